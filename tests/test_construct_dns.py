"""Dns used alone in a bare TerraformStack."""

from __future__ import annotations

import pytest

from _construct_support import CERT_ARN, ZONE_ID, address, assert_validates, at, build_bare_stacks, output, ref, types
from wandb_cdktf.constructs.aws import Dns, DnsProps


def _dns(props: DnsProps):
    def build(stack):
        dns = Dns(stack, "dns", props)
        output(stack, "fqdn", dns.fqdn)
        output(stack, "url", dns.url)
        output(stack, "certificate_arn", dns.certificate_arn)
        return dns
    return build


@pytest.fixture(scope="module")
def stacks(tmp_path_factory):
    return build_bare_stacks(tmp_path_factory.mktemp("dns"), {
        "subdomain": _dns(DnsProps(domain_name="example.com", zone_id=ZONE_ID, subdomain="wandb",
                                   extra_fqdns=("wandb-alt.example.com",))),
        "apex": _dns(DnsProps(domain_name="example.com", zone_id=ZONE_ID)),
        "existing-cert": _dns(DnsProps(domain_name="example.com", zone_id=ZONE_ID, subdomain="wandb",
                                       existing_certificate_arn=CERT_ARN)),
    })


def test_certificate_with_dns_validation(stacks):
    doc = stacks["subdomain"]
    cert = at(doc, "aws_acm_certificate", "dns/certificate")
    assert cert["domain_name"] == "wandb.example.com"
    assert cert["subject_alternative_names"] == ["wandb-alt.example.com"]
    assert cert["validation_method"] == "DNS" and cert["lifecycle"] == {"create_before_destroy": True}
    rec = at(doc, "aws_route53_record", "dns/validation-record")
    assert rec["zone_id"] == ZONE_ID and rec["ttl"] == 60 and rec["allow_overwrite"] is True
    assert address(doc, "aws_acm_certificate", "dns/certificate") + ".domain_validation_options" in rec["for_each"]
    assert rec["name"] == "${each.value.resource_record_name}"
    assert rec["type"] == "${each.value.resource_record_type}"
    assert rec["records"] == ["${each.value.resource_record_value}"]
    validation = at(doc, "aws_acm_certificate_validation", "dns/validation")
    assert validation["certificate_arn"] == ref(doc, "aws_acm_certificate", "dns/certificate", "arn")
    fqdns = validation["validation_record_fqdns"]
    assert address(doc, "aws_route53_record", "dns/validation-record") in fqdns and "val.fqdn" in fqdns


def test_private_zone_stops_the_plan_instead_of_hanging(stacks):
    """ACM resolves DNS-validation records through public DNS only, so a record in a private hosted zone never
    validates and aws_acm_certificate_validation waits until it times out (ACM user guide, "DNS validation";
    terraform-aws-wandb v8 issues a certificate only with public_access). The zone is read at plan time and a
    private one fails the plan with an error naming acm_certificate_arn; the records wait for that check."""
    doc = stacks["subdomain"]
    zone = at(doc, "aws_route53_zone", "dns/validation-zone", kind="data")
    assert zone["zone_id"] == ZONE_ID
    [check] = zone["lifecycle"]["postcondition"]
    assert check["condition"] == "${!self.private_zone}"
    assert "private hosted zone" in check["error_message"] and "acm_certificate_arn" in check["error_message"]
    rec = at(doc, "aws_route53_record", "dns/validation-record")
    assert rec["depends_on"] == [address(doc, "aws_route53_zone", "dns/validation-zone", kind="data")]


def test_existing_certificate_needs_no_zone_check(stacks):
    assert "aws_route53_zone" not in stacks["existing-cert"].get("data", {})


def test_certificate_arn_waits_for_validation(stacks):
    doc = stacks["subdomain"]
    assert doc["output"]["certificate_arn"]["value"] == ref(doc, "aws_acm_certificate_validation", "dns/validation",
                                                            "certificate_arn")


def test_fqdn_and_url_with_subdomain(stacks):
    out = stacks["subdomain"]["output"]
    assert out["fqdn"]["value"] == "wandb.example.com"
    assert out["url"]["value"] == "https://wandb.example.com"
    assert stacks.handles["subdomain"].zone_id == ZONE_ID


def test_no_subdomain_means_the_domain_itself(stacks):
    doc = stacks["apex"]
    assert doc["output"]["fqdn"]["value"] == "example.com"
    assert doc["output"]["url"]["value"] == "https://example.com"
    cert = at(doc, "aws_acm_certificate", "dns/certificate")
    assert cert["domain_name"] == "example.com" and "subject_alternative_names" not in cert


def test_existing_certificate_issues_nothing(stacks):
    doc = stacks["existing-cert"]
    assert not types(doc) & {"aws_acm_certificate", "aws_acm_certificate_validation", "aws_route53_record"}
    assert not types(doc)
    assert doc["output"]["certificate_arn"]["value"] == CERT_ARN
    assert doc["output"]["fqdn"]["value"] == "wandb.example.com"


@pytest.mark.terraform
def test_terraform_validate(stacks, tf_env):
    assert_validates(tf_env, stacks.stack_dir("subdomain"))
