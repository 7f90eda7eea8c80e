"""Alarms: CloudWatch alarms on what breaks W&B first, into one SNS topic encrypted with the deployment key.

Metrics, namespaces and dimensions as the AWS user guides publish them:

- Aurora (``AWS/RDS``, per instance ``DBInstanceIdentifier`` of the writer): ``CPUUtilization`` (W&B's reference
  architecture: above 90 % for 5 minutes), ``FreeLocalStorage`` (Aurora MySQL: temporary tables and logs),
  ``FreeableMemory``, ``DatabaseConnections`` (near the class's default ``max_connections``);
- ElastiCache (``AWS/ElastiCache``, per node ``CacheClusterId`` ``<replication group>-00N``):
  ``DatabaseMemoryUsagePercentage`` and ``Evictions``;
- the pre-operator ALB (``AWS/ApplicationELB``, ``LoadBalancer`` = the ARN suffix ``app/<name>/<id>``):
  ``HTTPCode_ELB_5XX_Count`` + ``HTTPCode_Target_5XX_Count`` over ``RequestCount`` (metric math) and, with
  ``TargetGroup``, ``UnHealthyHostCount``;
- the file-storage queue (``AWS/SQS``, ``QueueName``): ``ApproximateAgeOfOldestMessage``;
- EKS node groups (``AWS/AutoScaling``, ``AutoScalingGroupName``): ``GroupDesiredCapacity`` at the group's
  maximum. Auto Scaling publishes group metrics only after ``EnableMetricsCollection`` (EC2 Auto Scaling API),
  which EKS managed node groups do not call, so a ``terraform_data`` runs ``aws autoscaling
  enable-metrics-collection`` for each group (the AWS CLI, as ``aws eks get-token`` needs).

An SNS topic encrypted with a customer managed key accepts CloudWatch's notifications only if the key policy allows
``cloudwatch.amazonaws.com`` ``kms:Decrypt`` and ``kms:GenerateDataKey*`` (SNS Developer Guide, "Enable
compatibility between event sources from AWS services and encrypted topics"): ``Key`` adds that statement
(``KeyProps.cloudwatch_alarm_prefix``); the topic policy admits ``sns:Publish`` from the same alarms.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from cdktf import DataResource, LocalExecProvisioner
from constructs import Construct

from ..._providers import aws
from .context import account_context
from .iam import policy_document

PERIOD_SECONDS = 300
"""Every alarm looks at 5-minute periods."""


@dataclass(frozen=True)
class AlarmThresholdValues:
    """Thresholds (the config model derives them from the size preset; ``config.operations.resolve_thresholds``)."""

    database_cpu_percent: float = 90.0
    """Default: 90 (W&B's reference architecture)."""
    database_free_local_storage_bytes: int = 2 * 1024 ** 3
    """Default: 2 GiB."""
    database_freeable_memory_bytes: int = 819 * 1024 ** 2
    """Default: 819 MiB (5 % of db.r6g.large)."""
    database_connections: int | None = 800
    """None leaves the connections alarm out. Default: 800 (80 % of db.r*.large's 1000)."""
    redis_memory_percent: float = 80.0
    """Default: 80."""
    redis_evictions: int = 0
    """Default: 0."""
    alb_5xx_percent: float = 5.0
    """Default: 5."""
    alb_unhealthy_targets: int = 0
    """Default: 0."""
    queue_oldest_message_seconds: int = 900
    """Default: 900."""
    node_group_full_periods: int = 3
    """5-minute periods at the maximum before the alarm. Default: 3."""


@dataclass(frozen=True)
class AlarmsProps:
    namespace: str
    """Alarm names start with ``<namespace>-``; the topic is ``<namespace>-alarms``."""
    kms_key_arn: str
    """Key of the SNS topic (its policy must admit CloudWatch, see the module docstring)."""
    region: str
    """Region of the Auto Scaling groups (for ``aws autoscaling enable-metrics-collection``)."""
    thresholds: AlarmThresholdValues = field(default_factory=AlarmThresholdValues)
    """Default: ``AlarmThresholdValues()``."""
    database_instance_id: str | None = None
    """The Aurora writer; None leaves the database alarms out. Default: None."""
    redis_cache_cluster_ids: tuple[str, ...] = ()
    """ElastiCache node ids (``<replication group>-001`` ...). Default: () (no Redis alarms)."""
    alb_arn_suffix: str | None = None
    """``app/<name>/<id>`` of the ALB. Default: None (no ALB alarms)."""
    target_group_arn_suffix: str | None = None
    """``targetgroup/<name>/<id>`` of its target group (with ``alb_arn_suffix``). Default: None."""
    queue_name: str | None = None
    """The file-storage SQS queue. Default: None (no queue alarm)."""
    autoscaling_groups: tuple[tuple[str, int], ...] = ()
    """(Auto Scaling group name, maximum size) of each node group. Default: () (no node-group alarms)."""
    enable_group_metrics: bool = True
    """Run ``aws autoscaling enable-metrics-collection`` for ``autoscaling_groups``. Default: True."""
    email_endpoints: tuple[str, ...] = ()
    """Email subscriptions of the topic. Default: ()."""
    https_endpoints: tuple[str, ...] = ()
    """HTTPS subscriptions of the topic. Default: ()."""

    def __post_init__(self) -> None:
        if (self.alb_arn_suffix is None) != (self.target_group_arn_suffix is None):
            raise ValueError("AlarmsProps: alb_arn_suffix and target_group_arn_suffix go together")


class Alarms(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: AlarmsProps) -> None:
        super().__init__(scope, construct_id)
        self.props = props
        p, t = props, props.thresholds
        ctx = account_context(self)
        ns = p.namespace
        self._topic = aws.sns_topic.SnsTopic(self, "topic", name=f"{ns}-alarms", kms_master_key_id=p.kms_key_arn,
                                             tags={"Name": f"{ns}-alarms"})
        root = f"arn:{ctx.partition}:iam::{ctx.account_id}:root"
        aws.sns_topic_policy.SnsTopicPolicy(self, "topic-policy", arn=self._topic.arn, policy=policy_document(
            {"Sid": "AccountOwner", "Effect": "Allow", "Principal": {"AWS": root},
             "Action": ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission",
                        "sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"],
             "Resource": self._topic.arn},
            {"Sid": "CloudWatchAlarms", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
             "Action": "sns:Publish", "Resource": self._topic.arn,
             "Condition": {"StringEquals": {"aws:SourceAccount": ctx.account_id},
                           "ArnLike": {"aws:SourceArn": alarm_arn_pattern(ctx.partition, ctx.region, ctx.account_id, ns)}}},
        ))
        for protocol, endpoints in (("email", p.email_endpoints), ("https", p.https_endpoints)):
            for endpoint in endpoints:
                aws.sns_topic_subscription.SnsTopicSubscription(
                    self, f"{protocol}-{hashlib.sha256(endpoint.encode()).hexdigest()[:10]}",
                    topic_arn=self._topic.arn, protocol=protocol, endpoint=endpoint)
        self._alarms: dict[str, aws.cloudwatch_metric_alarm.CloudwatchMetricAlarm] = {}
        if p.database_instance_id is not None:
            db = {"DBInstanceIdentifier": p.database_instance_id}
            self._metric("database-cpu", "AWS/RDS", "CPUUtilization", db, "Average", "GreaterThanThreshold",
                          t.database_cpu_percent, f"Aurora writer CPU above {t.database_cpu_percent:g} % for 5 minutes")
            self._metric("database-free-local-storage", "AWS/RDS", "FreeLocalStorage", db, "Minimum",
                         "LessThanThreshold", t.database_free_local_storage_bytes,
                         "Aurora writer local storage (temporary tables, logs) running out")
            self._metric("database-freeable-memory", "AWS/RDS", "FreeableMemory", db, "Minimum", "LessThanThreshold",
                         t.database_freeable_memory_bytes, "Aurora writer freeable memory low")
            if t.database_connections is not None:
                self._metric("database-connections", "AWS/RDS", "DatabaseConnections", db, "Maximum",
                             "GreaterThanThreshold", t.database_connections,
                             "Aurora writer connections near the instance class's max_connections")
        for i, node in enumerate(p.redis_cache_cluster_ids, start=1):
            dims = {"CacheClusterId": node}
            self._metric(f"redis-memory-{i}", "AWS/ElastiCache", "DatabaseMemoryUsagePercentage", dims, "Maximum",
                         "GreaterThanThreshold", t.redis_memory_percent, f"Redis node {node} memory usage high")
            self._metric(f"redis-evictions-{i}", "AWS/ElastiCache", "Evictions", dims, "Sum", "GreaterThanThreshold",
                         t.redis_evictions, f"Redis node {node} evicts keys (W&B loses cached and queued state)",
                         missing="notBreaching")
        if p.alb_arn_suffix is not None and p.target_group_arn_suffix is not None:
            self._alb_5xx(p.alb_arn_suffix, t.alb_5xx_percent)
            self._metric("alb-unhealthy-targets", "AWS/ApplicationELB", "UnHealthyHostCount",
                         {"LoadBalancer": p.alb_arn_suffix, "TargetGroup": p.target_group_arn_suffix}, "Maximum",
                         "GreaterThanThreshold", t.alb_unhealthy_targets, "W&B targets behind the ALB are unhealthy")
        if p.queue_name is not None:
            self._metric("queue-oldest-message", "AWS/SQS", "ApproximateAgeOfOldestMessage", {"QueueName": p.queue_name},
                         "Maximum", "GreaterThanThreshold", t.queue_oldest_message_seconds,
                         "W&B is not consuming the file-storage bucket's events", missing="notBreaching")
        for i, (group, maximum) in enumerate(p.autoscaling_groups):  # i as the cluster's node-group-<i>
            self._metric(f"node-group-{i}-at-max", "AWS/AutoScaling", "GroupDesiredCapacity",
                         {"AutoScalingGroupName": group}, "Maximum", "GreaterThanOrEqualToThreshold", maximum,
                         f"EKS node group {i} is at its maximum size ({maximum}): W&B cannot scale out",
                         periods=t.node_group_full_periods)
            if p.enable_group_metrics:
                DataResource(self, f"node-group-{i}-metrics", triggers_replace={"group": group}, provisioners=[LocalExecProvisioner(
                    type="local-exec", command=enable_metrics_command(p.region, group))])

    def _metric(self, name: str, namespace: str, metric: str, dimensions: dict[str, str], statistic: str,
                comparison: str, threshold: float, description: str, *, periods: int = 1,
                missing: str = "missing") -> None:
        self._alarms[name] = aws.cloudwatch_metric_alarm.CloudwatchMetricAlarm(
            self, name, alarm_name=f"{self.props.namespace}-{name}", alarm_description=description,
            namespace=namespace, metric_name=metric, dimensions=dimensions, statistic=statistic,
            comparison_operator=comparison, threshold=threshold, period=PERIOD_SECONDS,
            evaluation_periods=periods, datapoints_to_alarm=periods, treat_missing_data=missing,
            alarm_actions=[self._topic.arn], ok_actions=[self._topic.arn])

    def _alb_5xx(self, alb: str, percent: float) -> None:
        q = aws.cloudwatch_metric_alarm

        def metric(qid: str, name: str) -> Any:
            return q.CloudwatchMetricAlarmMetricQuery(id=qid, metric=q.CloudwatchMetricAlarmMetricQueryMetric(
                namespace="AWS/ApplicationELB", metric_name=name, dimensions={"LoadBalancer": alb},
                stat="Sum", period=PERIOD_SECONDS))

        self._alarms["alb-5xx-rate"] = q.CloudwatchMetricAlarm(
            self, "alb-5xx-rate", alarm_name=f"{self.props.namespace}-alb-5xx-rate",
            alarm_description=f"More than {percent:g} % of W&B requests answered 5xx (ALB and targets) in 5 minutes",
            comparison_operator="GreaterThanThreshold", threshold=percent, evaluation_periods=1,
            datapoints_to_alarm=1, treat_missing_data="notBreaching",
            metric_query=[
                q.CloudwatchMetricAlarmMetricQuery(
                    id="rate", label="5xx %", return_data=True,
                    expression="100 * (FILL(elb, 0) + FILL(target, 0)) / requests"),
                metric("elb", "HTTPCode_ELB_5XX_Count"), metric("target", "HTTPCode_Target_5XX_Count"),
                metric("requests", "RequestCount"),
            ],
            alarm_actions=[self._topic.arn], ok_actions=[self._topic.arn])

    @property
    def topic_arn(self) -> str:
        return self._topic.arn

    @property
    def alarm_names(self) -> list[str]:
        """Construct ids of the alarms (each named ``<namespace>-<id>``)."""
        return list(self._alarms)


def alarm_arn_pattern(partition: str, region: str, account_id: str, namespace: str) -> str:
    """The ARNs of this deployment's alarms (``aws:SourceArn`` of CloudWatch's SNS and KMS calls)."""
    return f"arn:{partition}:cloudwatch:{region}:{account_id}:alarm:{namespace}-*"


def enable_metrics_command(region: str, group: str) -> str:
    """Turn on the group metrics the node-group alarm reads (EnableMetricsCollection; granularity 1Minute is the
    only valid value)."""
    return (f"aws autoscaling enable-metrics-collection --region {region} --auto-scaling-group-name {group} "
            "--granularity 1Minute --metrics GroupDesiredCapacity GroupMaxSize GroupInServiceInstances")
