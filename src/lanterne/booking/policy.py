"""The pass's configurable rules: credit, cancellation and validation delays, counter throttling, and
the pass operator's own account that SEPA files debit. Set by `LANTERNE_PASS_*` variables.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PassPolicy(BaseSettings):
    """Defaults follow the youth culture pass; every one can be changed without touching code."""

    model_config = SettingsConfigDict(env_prefix="LANTERNE_PASS_", extra="ignore")

    credit_cents: int = Field(default=15000, description="Credit granted to a young person, in cents")
    credit_days: int = Field(default=730, description="Days before an unspent credit expires")
    cancel_hours: int = Field(default=48, description="Hours of the young person's cancellation window")
    autovalidate_hours: int = Field(default=72, description="Hours after the show before auto-validation")
    counter_failures_per_minute: int = Field(default=10, description="Failed lookups before a 429")
    debtor_name: str = Field(default="Pass Culture Cinémas", description="Who pays the SEPA transfers")
    debtor_iban: str = "FR7630006000011234567890189"
    debtor_bic: str = "AGRIFRPP"
