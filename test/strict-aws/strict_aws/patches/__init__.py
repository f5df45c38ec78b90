"""Changes to moto's backends, applied once at start-up, one module per service.

Each patch replaces a method of a moto class with a wrapper; the reasons are in each
module. Nothing else of moto is modified.
"""

from __future__ import annotations


def apply_all() -> None:
    from . import events, glue, kms, s3, sqs

    s3.apply()
    kms.apply()
    glue.apply()
    events.apply()
    sqs.apply()
