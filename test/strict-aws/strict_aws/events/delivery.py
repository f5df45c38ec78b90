"""EventBridge delivering an event that matched a rule to its targets, with the checks AWS
makes on the way (EventBridge User Guide, "Amazon SQS permissions", "Using dead-letter
queues to process undelivered events", "Monitoring Amazon EventBridge"):

- only ENABLED rules deliver (moto delivers for DISABLED rules too); read-only CloudTrail
  management events only to rules in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS;
- an SQS target (same or another account) receives the event only if the queue policy
  lets the service principal events.amazonaws.com sqs:SendMessage, evaluated with
  aws:SourceArn = the rule's ARN and aws:SourceAccount = the rule's account;
- an SSE-KMS queue also needs the key policy to let events.amazonaws.com
  kms:GenerateDataKey and kms:Decrypt (a queue on the AWS managed key alias/aws/sqs never
  receives: that key's policy cannot be changed), with the key Enabled;
- FIFO queues take the target's MessageGroupId and need content-based deduplication;
- the body is the event as JSON, or the target's Input, InputPath or InputTransformer;
- a failed delivery is not retried when the cause is permissions or a missing resource
  (as EventBridge does): it goes to the target's dead-letter queue (DeadLetterConfig.Arn,
  whose policy must let the rule send too) with the message attributes RULE_ARN,
  TARGET_ARN, ERROR_CODE, ERROR_MESSAGE; without one the event is dropped;
- AWS/Events metrics per rule (RuleName): TriggeredRules, Invocations,
  FailedInvocations, InvocationsSentToDLQ, InvocationsFailedToBeSentToDLQ.

Targets other than SQS are handed to moto's own delivery unchanged.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from .. import resources as r
from ..authz.actions import KMS_KEY, SQS_QUEUE, Check
from ..authz.decide import base_context, decide, denial_message
from ..identity import service_caller

log = logging.getLogger("strict_aws.events")

EVENTS = "events.amazonaws.com"
ENABLED = "ENABLED"
ALL_MANAGEMENT = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"

DELIVERED = "delivered"
FAILED = "failed"
DEAD_LETTERED = "dead-lettered"


@dataclass
class Outcome:
    rule: str
    target: str
    status: str
    error_code: str | None = None
    reason: str | None = None
    message_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "target": self.target,
            "status": self.status,
            "errorCode": self.error_code,
            "reason": self.reason,
            "messageId": self.message_id,
        }


class DeliveryFailed(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def rule_takes(rule: Any, event: dict[str, Any]) -> bool:
    """Whether the rule's state lets it see the event (before its pattern is matched)."""
    if rule.state == ALL_MANAGEMENT:
        return True
    if rule.state != ENABLED:
        return False
    detail = event.get("detail")
    read_only = (
        event.get("detail-type") == "AWS API Call via CloudTrail"
        and isinstance(detail, dict)
        and detail.get("readOnly") is True
        and detail.get("eventCategory") == "Management"
    )
    return not read_only


# --- the body ---------------------------------------------------------------------------------


def _jsonpath(expression: str, event: dict[str, Any]) -> Any:
    from jsonpath_ng.ext import parse

    found = parse(expression).find(event)
    return found[0].value if found else None


def body_for(target: dict[str, Any], event: dict[str, Any]) -> str:
    if target.get("Input") is not None:
        return str(target["Input"])
    if target.get("InputPath"):
        return json.dumps(_jsonpath(target["InputPath"], event))
    transformer = target.get("InputTransformer")
    if transformer:
        from moto.events.utils import EventTemplateParser

        out = EventTemplateParser.parse(
            input_template=transformer.get("InputTemplate"),
            input_paths_map=transformer.get("InputPathsMap", {}),
            event=event,  # type: ignore[arg-type]
        )
        return out if isinstance(out, str) else json.dumps(out)
    return json.dumps(event)


# --- SQS --------------------------------------------------------------------------------------


def _queue(arn: str) -> tuple[str, str, str, Any]:
    parts = arn.split(":", 5)
    account, region, name = parts[4], parts[3], parts[5]
    return account, region, name, r.find_queue(account, region, name)


def _check_queue(rule: Any, queue_arn: str) -> tuple[str, str, str, Any]:
    account, region, name, queue = _queue(queue_arn)
    if queue is None:
        raise DeliveryFailed("NO_RESOURCE", f"Queue {queue_arn} does not exist.")
    caller = service_caller(EVENTS, rule.account_id)
    context = {
        **base_context(caller, rule.region_name, secure=True),
        "aws:sourcearn": [rule.arn],
        "aws:sourceaccount": [rule.account_id],
    }
    check = Check("sqs:SendMessage", queue_arn, {}, (SQS_QUEUE, queue), account)
    outcome = decide(caller, check, context, None)
    if outcome is not None:
        raise DeliveryFailed("NO_PERMISSIONS", denial_message(caller, check, outcome, quote=False))
    key_ref = getattr(queue, "kms_master_key_id", None)
    if key_ref:
        if str(key_ref).startswith("alias/aws/"):
            raise DeliveryFailed(
                "NO_PERMISSIONS",
                f"The queue {queue_arn} is encrypted with the AWS managed key {key_ref}, "
                f"whose key policy does not let {EVENTS} use it.",
            )
        key = r.find_key(str(key_ref), account, region)
        if key is None:
            raise DeliveryFailed("NO_RESOURCE", f"KMS key {key_ref} of queue {queue_arn} does not exist.")
        if key.key_state != "Enabled":
            raise DeliveryFailed(
                "NO_PERMISSIONS", f"KMS key {key.arn} of queue {queue_arn} is {key.key_state}."
            )
        kms_context = {
            **context,
            "kms:viaservice": [f"sqs.{region}.amazonaws.com"],
            "kms:encryptioncontext:aws:sqs:arn": [queue_arn],
            "kms:encryptioncontextkeys": ["aws:sqs:arn"],
        }
        for action in ("kms:GenerateDataKey", "kms:Decrypt"):
            kms_check = Check(action, key.arn, {}, (KMS_KEY, key), key.account_id)
            outcome = decide(caller, kms_check, kms_context, None)
            if outcome is not None:
                raise DeliveryFailed(
                    "NO_PERMISSIONS",
                    f"{denial_message(caller, kms_check, outcome, quote=False)} "
                    "(Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException)",
                )
    return account, region, name, queue


def _send(
    account: str,
    region: str,
    name: str,
    queue: Any,
    body: str,
    group_id: str | None,
    attributes: dict[str, Any] | None = None,
) -> str:
    from moto.sqs.models import sqs_backends

    if queue.fifo_queue and str(getattr(queue, "content_based_deduplication", "")).lower() != "true":
        raise DeliveryFailed(
            "INVALID_PARAMETER",
            "To let EventBridge send messages to your SQS FIFO queue, enable content-based deduplication.",
        )
    try:
        message = sqs_backends[account][region].send_message(
            queue_name=name,
            message_body=body,
            message_attributes=attributes,
            group_id=group_id,
        )
    except Exception as error:
        raise DeliveryFailed("SDK_CLIENT_ERROR", str(error)) from error
    return str(message.id)


def _to_sqs(rule: Any, target: dict[str, Any], event: dict[str, Any]) -> str:
    account, region, name, queue = _check_queue(rule, target["Arn"])
    group_id = (target.get("SqsParameters") or {}).get("MessageGroupId")
    return _send(account, region, name, queue, body_for(target, event), group_id)


def _dead_letter(rule: Any, target: dict[str, Any], event: dict[str, Any], failure: DeliveryFailed) -> str:
    dlq_arn = (target.get("DeadLetterConfig") or {}).get("Arn")
    if not dlq_arn:
        raise failure
    account, region, name, queue = _check_queue(rule, dlq_arn)

    def attribute(value: str) -> dict[str, str]:
        return {"DataType": "String", "StringValue": value}

    attributes = {
        "RULE_ARN": attribute(rule.arn),
        "TARGET_ARN": attribute(target["Arn"]),
        "ERROR_CODE": attribute(failure.code),
        "ERROR_MESSAGE": attribute(failure.message[:256]),
    }
    return _send(account, region, name, queue, json.dumps(event), None, attributes)


# --- metrics ----------------------------------------------------------------------------------


def _metric(rule: Any, name: str) -> None:
    try:
        from moto.cloudwatch.models import cloudwatch_backends

        cloudwatch_backends[rule.account_id][rule.region_name].put_metric_data(
            "AWS/Events",
            [
                {
                    "MetricName": name,
                    "Value": 1.0,
                    "Unit": "Count",
                    "Dimensions": [{"Name": "RuleName", "Value": rule.name}],
                }
            ],
        )
    except Exception:
        log.debug("could not publish AWS/Events %s for %s", name, rule.arn, exc_info=True)


# --- a rule -----------------------------------------------------------------------------------


def deliver(rule: Any, event: dict[str, Any], moto_send: Any) -> list[Outcome]:
    """Delivers `event` to every target of `rule` if the rule takes it; `moto_send(rule,
    target, event)` delivers to targets this module does not handle."""
    if not rule_takes(rule, event) or not rule.event_pattern.matches_event(event):
        return []
    _metric(rule, "TriggeredRules")
    outcomes: list[Outcome] = []
    for target in list(rule.targets):
        arn = str(target.get("Arn") or "")
        _metric(rule, "Invocations")
        if ":sqs:" not in arn:
            moto_send(rule, target, event)
            outcomes.append(Outcome(rule.arn, arn, DELIVERED))
            continue
        try:
            outcomes.append(Outcome(rule.arn, arn, DELIVERED, message_id=_to_sqs(rule, target, event)))
            continue
        except DeliveryFailed as failure:
            _metric(rule, "FailedInvocations")
            log.info(
                "event %s for rule %s not delivered to %s: %s",
                event.get("id"),
                rule.arn,
                arn,
                failure.message,
            )
            try:
                message_id = _dead_letter(rule, target, event, failure)
                _metric(rule, "InvocationsSentToDLQ")
                outcomes.append(
                    Outcome(rule.arn, arn, DEAD_LETTERED, failure.code, failure.message, message_id)
                )
            except DeliveryFailed as dlq_failure:
                if dlq_failure is not failure:
                    _metric(rule, "InvocationsFailedToBeSentToDLQ")
                    reason = f"{failure.message}; and to the dead-letter queue: {dlq_failure.message}"
                else:
                    reason = failure.message
                outcomes.append(Outcome(rule.arn, arn, FAILED, failure.code, reason))
    return outcomes
