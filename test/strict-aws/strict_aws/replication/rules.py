"""Which replication rule applies to an object (pure): the enabled rule with the highest
Priority whose Filter (Prefix, Tag, And) matches; V1 rules filter on their own Prefix."""

from __future__ import annotations

from typing import Any


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def filter_matches(rule: dict[str, Any], key: str, tags: dict[str, str]) -> bool:
    if "Filter" not in rule:
        return key.startswith(rule.get("Prefix") or "")
    flt = rule.get("Filter") or {}
    if "And" in flt:
        both = flt["And"] or {}
        wanted = {t["Key"]: t["Value"] for t in _as_list(both.get("Tags"))}
        return key.startswith(both.get("Prefix") or "") and all(tags.get(k) == v for k, v in wanted.items())
    if "Tag" in flt:
        tag = flt["Tag"] or {}
        return tags.get(tag.get("Key")) == tag.get("Value")
    return key.startswith(flt.get("Prefix") or "")


def matching_rule(config: dict[str, Any], key: str, tags: dict[str, str]) -> dict[str, Any] | None:
    rules = [
        rule
        for rule in _as_list(config.get("Rules"))
        if rule.get("Status") == "Enabled" and filter_matches(rule, key, tags)
    ]
    if not rules:
        return None
    return max(rules, key=lambda rule: int(rule.get("Priority") or 0))


def kms_objects_selected(rule: dict[str, Any]) -> bool:
    criteria = (rule.get("SourceSelectionCriteria") or {}).get("SseKmsEncryptedObjects") or {}
    return criteria.get("Status") == "Enabled"


def replica_key(rule: dict[str, Any]) -> str | None:
    return ((rule.get("Destination") or {}).get("EncryptionConfiguration") or {}).get("ReplicaKmsKeyID")


def destination_bucket(rule: dict[str, Any]) -> str | None:
    arn = (rule.get("Destination") or {}).get("Bucket") or ""
    return arn.split(":::", 1)[1] if ":::" in arn else None


def deletes_replicated(rule: dict[str, Any]) -> bool:
    return (rule.get("DeleteMarkerReplication") or {}).get("Status") == "Enabled"


def owner_override(rule: dict[str, Any]) -> bool:
    """AccessControlTranslation Owner=Destination: replicas belong to the destination's owner."""
    translation = (rule.get("Destination") or {}).get("AccessControlTranslation") or {}
    return translation.get("Owner") == "Destination"


def rtc_enabled(rule: dict[str, Any]) -> bool:
    return ((rule.get("Destination") or {}).get("ReplicationTime") or {}).get("Status") == "Enabled"


def metrics_enabled(rule: dict[str, Any]) -> bool:
    """Replication metrics are published for rules with Metrics on (RTC requires them)."""
    return ((rule.get("Destination") or {}).get("Metrics") or {}).get("Status") == "Enabled" or rtc_enabled(
        rule
    )
