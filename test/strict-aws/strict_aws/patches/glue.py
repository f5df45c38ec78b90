"""moto's Glue, corrected and completed:

- CreateJob / CreateWorkflow / CreateTrigger on a name that exists answer
  AlreadyExistsException, as Glue does (moto silently overwrites; CreateCrawler already
  refuses).
- UpdateJob, UpdateTrigger and UpdateCrawler, which moto lacks, update the stored
  definition (UpdateJob replaces the whole definition, as Glue documents; the others
  change the fields given).
- A job run that the strict layer found would fail (rules/glue_runs.py) ends FAILED with
  its ErrorMessage instead of SUCCEEDED; moto's state manager still decides when.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.glue import models as glue_models
from moto.glue import responses as glue_responses
from moto.glue.exceptions import AlreadyExistsException
from moto.glue.utils import Action, Predicate
from moto.moto_api._internal.managed_state_model import ManagedState


def _refuse_existing(original: Any, table: str, kind: str) -> Any:
    def create(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        if name in getattr(self, table):
            raise AlreadyExistsException(kind)
        return original(self, name, *args, **kwargs)

    return create


_JOB_FIELDS = {
    "Description": "description",
    "LogUri": "log_uri",
    "Role": "role",
    "ExecutionProperty": "execution_property",
    "Command": "command",
    "DefaultArguments": "default_arguments",
    "NonOverridableArguments": "non_overridable_arguments",
    "Connections": "connections",
    "MaxRetries": "max_retries",
    "AllocatedCapacity": "allocated_capacity",
    "Timeout": "timeout",
    "MaxCapacity": "max_capacity",
    "WorkerType": "worker_type",
    "NumberOfWorkers": "number_of_workers",
    "SecurityConfiguration": "security_configuration",
    "NotificationProperty": "notification_property",
    "GlueVersion": "glue_version",
    "ExecutionClass": "execution_class",
}
_JOB_DEFAULTS = {"execution_property": {}, "default_arguments": {}, "execution_class": "STANDARD"}

_CRAWLER_FIELDS = {
    "Role": "role",
    "DatabaseName": "database_name",
    "Description": "description",
    "Targets": "targets",
    "Schedule": "schedule",
    "Classifiers": "classifiers",
    "TablePrefix": "table_prefix",
    "SchemaChangePolicy": "schema_change_policy",
    "RecrawlPolicy": "recrawl_policy",
    "LineageConfiguration": "lineage_configuration",
    "Configuration": "configuration",
    "CrawlerSecurityConfiguration": "crawler_security_configuration",
}


def update_job(self: Any) -> ActionResult:
    name = self._get_param("JobName")
    update = self._get_param("JobUpdate") or {}
    job = self.glue_backend.get_job(name)
    for field, attribute in _JOB_FIELDS.items():
        setattr(job, attribute, update.get(field, _JOB_DEFAULTS.get(attribute)))
    job.last_modified_on = glue_models.utcnow()
    return ActionResult({"JobName": name})


def update_trigger(self: Any) -> ActionResult:
    name = self._get_param("Name")
    update = self._get_param("TriggerUpdate") or {}
    trigger = self.glue_backend.get_trigger(name)
    if "Description" in update:
        trigger.description = update["Description"]
    if "Schedule" in update:
        trigger.schedule = update["Schedule"]
    if "Actions" in update:
        trigger.actions = [Action(a) for a in update["Actions"]]
    if "Predicate" in update:
        trigger.predicate = Predicate(update["Predicate"])
    if "EventBatchingCondition" in update:
        trigger.event_batching_condition = update["EventBatchingCondition"]
    return ActionResult({"Trigger": trigger.as_dict()})


def update_crawler(self: Any) -> EmptyResult:
    name = self._get_param("Name")
    crawler = self.glue_backend.get_crawler(name)
    for field, attribute in _CRAWLER_FIELDS.items():
        value = self._get_param(field)
        if value is not None:
            setattr(crawler, attribute, value)
    crawler.last_updated = glue_models.utcnow()
    crawler.version += 1
    return EmptyResult()


def _failing_status(original: Any) -> Any:
    def status(self: Any) -> str | None:
        value = original.fget(self)
        if value == "SUCCEEDED" and getattr(self, "strict_error", None):
            return "FAILED"
        return value

    return property(status, original.fset)


def _with_error_message(original: Any) -> Any:
    def as_dict(self: Any) -> dict[str, Any]:
        out = original(self)
        if out.get("JobRunState") == "FAILED" and getattr(self, "strict_error", None):
            out["ErrorMessage"] = self.strict_error
        return out

    return as_dict


def apply() -> None:
    backend = glue_models.GlueBackend
    backend.create_job = _refuse_existing(backend.create_job, "jobs", "Job")
    backend.create_workflow = _refuse_existing(backend.create_workflow, "workflows", "Workflow")
    backend.create_trigger = _refuse_existing(backend.create_trigger, "triggers", "Trigger")
    glue_responses.GlueResponse.update_job = update_job
    glue_responses.GlueResponse.update_trigger = update_trigger
    glue_responses.GlueResponse.update_crawler = update_crawler
    run = glue_models.FakeJobRun
    run.status = _failing_status(ManagedState.status)
    run.as_dict = _with_error_message(run.as_dict)
