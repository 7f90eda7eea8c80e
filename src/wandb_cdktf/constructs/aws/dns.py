"""Dns: the W&B hostname and its TLS certificate.

FQDN = ``<subdomain>.<domain_name>`` (or the domain alone). The ACM certificate is
validated through DNS records in ``zone_id``, and Terraform waits for validation
so the load balancer never gets an unissued certificate. An existing certificate
ARN can be used instead.

ACM resolves validation records through public DNS only, so a record in a private hosted
zone never validates and ``aws_acm_certificate_validation`` would wait until it times out
(ACM user guide, "DNS validation"; terraform-aws-wandb v8 issues a certificate only with
``public_access``). Here the zone is read at plan time and a private one stops the plan with
an error that names ``acm_certificate_arn``, before anything is created.

An internal-only deployment can keep its records in a private zone and still have a certificate
issued here: ``validation_zone_id`` names a public zone that receives only the validation records.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import Postcondition, TerraformIterator, TerraformResourceLifecycle, Token
from constructs import Construct

from ..._providers import aws

PRIVATE_ZONE_ERROR = (
    "zone_id {zone_id} is a private hosted zone: ACM validates certificates through public DNS only, so a "
    "certificate validated there is never issued. Set acm_certificate_arn to an existing certificate for the W&B "
    "host name (or use a public zone for validation)."
)
PRIVATE_VALIDATION_ZONE_ERROR = (
    "certificate_validation_zone_id {zone_id} is a private hosted zone: ACM validates certificates through public "
    "DNS only. Name a public zone for the validation records, or set acm_certificate_arn instead."
)


@dataclass(frozen=True)
class DnsProps:
    domain_name: str
    zone_id: str
    subdomain: str | None = None
    """Default: None (the URL is the domain itself)."""
    extra_fqdns: tuple[str, ...] = ()
    """Additional certificate names. Default: ()."""
    existing_certificate_arn: str | None = None
    """Use this certificate; none is issued. Default: None."""
    validation_zone_id: str | None = None
    """Public zone for the ACM validation records only (``zone_id`` may then be private). Default: None
    (``zone_id``)."""


class Dns(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: DnsProps) -> None:
        super().__init__(scope, construct_id)
        self.props = props
        self._fqdn = f"{props.subdomain}.{props.domain_name}" if props.subdomain else props.domain_name
        if props.existing_certificate_arn:
            self._certificate_arn = props.existing_certificate_arn
            return
        validation_zone_id = props.validation_zone_id or props.zone_id
        message = PRIVATE_VALIDATION_ZONE_ERROR if props.validation_zone_id else PRIVATE_ZONE_ERROR
        zone = aws.data_aws_route53_zone.DataAwsRoute53Zone(
            self, "validation-zone", zone_id=validation_zone_id,
            lifecycle=TerraformResourceLifecycle(postcondition=[Postcondition(
                condition="${!self.private_zone}",
                error_message=message.format(zone_id=validation_zone_id),
            )]),
        )
        cert = aws.acm_certificate.AcmCertificate(
            self, "certificate", domain_name=self._fqdn, subject_alternative_names=list(props.extra_fqdns) or None,
            validation_method="DNS", key_algorithm="RSA_2048",
            lifecycle={"create_before_destroy": True}, tags={"Name": self._fqdn},
        )
        options = TerraformIterator.from_complex_list(cert.domain_validation_options, "domain_name")
        records = aws.route53_record.Route53Record(
            self, "validation-record", for_each=options, zone_id=validation_zone_id, allow_overwrite=True, ttl=60,
            name=options.get_string("resource_record_name"), type=options.get_string("resource_record_type"),
            records=[options.get_string("resource_record_value")],
            depends_on=[zone],  # the zone check fails the plan first
        )
        validated = aws.acm_certificate_validation.AcmCertificateValidation(
            self, "validation", certificate_arn=cert.arn,
            validation_record_fqdns=Token.as_list(TerraformIterator.from_resources(records).pluck_property("fqdn")),
        )
        self._certificate_arn = validated.certificate_arn

    @property
    def fqdn(self) -> str:
        return self._fqdn

    @property
    def url(self) -> str:
        return f"https://{self._fqdn}"

    @property
    def certificate_arn(self) -> str:
        """The certificate ARN, available only once validated (for listeners and ingresses)."""
        return self._certificate_arn

    @property
    def zone_id(self) -> str:
        return self.props.zone_id
