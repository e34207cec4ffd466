namespace TokenConsole.Features.Admin;

/// <summary>
/// Every action the audit log records, as a stable code. The log shows each in the reader's language: the resource
/// key is <c>audit.</c> + the code (SharedResource.resx and .zh-CN.resx); <see cref="All"/> is what a test checks.
/// </summary>
public static class AuditActions
{
    public const string PackageCreated = "package.created";
    public const string PackageDraftEdited = "package.draft_edited";
    public const string PackageVersionStarted = "package.version_started";
    public const string PackageSubmitted = "package.submitted";
    public const string PackageReturnedToDraft = "package.returned_to_draft";
    public const string PackageActivated = "package.activated";
    public const string PackageActivationScheduled = "package.activation_scheduled";
    public const string PackageScheduledVersionActivated = "package.scheduled_version_activated";
    public const string PackageRetired = "package.retired";
    public const string PackageCloned = "package.cloned";

    public const string ModelCreated = "compute.model.created";
    public const string ModelEdited = "compute.model.edited";
    public const string PoolCreated = "compute.pool.created";
    public const string PoolEdited = "compute.pool.edited";
    public const string PoolStatusChanged = "compute.pool.status_changed";
    public const string DeploymentAdded = "compute.deployment.added";
    public const string DeploymentEdited = "compute.deployment.edited";
    public const string DeploymentRemoved = "compute.deployment.removed";

    public const string PriceChangeCreated = "pricing.change.created";
    public const string PriceChangeEdited = "pricing.change.edited";
    public const string PriceChangeSubmitted = "pricing.change.submitted";
    public const string PriceChangeApproved = "pricing.change.approved";
    public const string PriceChangeRejected = "pricing.change.rejected";
    public const string PriceChangeRolledBack = "pricing.change.rolled_back";
    public const string RuleSetActivated = "pricing.ruleset.activated";

    public const string UserCreated = "user.created";
    public const string UserDisabled = "user.disabled";
    public const string UserEnabled = "user.enabled";
    public const string UserRoleChanged = "user.role_changed";
    public const string UserPasswordReset = "user.password_reset";

    public const string ApiKeyCreated = "apikey.created";
    public const string ApiKeyRevoked = "apikey.revoked";

    /// <summary>A person's write refused because their account is disabled or their role no longer allows it (issue 12).</summary>
    public const string WriteRefused = "write.refused";

    public const string SubscriptionCreated = "subscription.created";
    public const string SubscriptionUpgraded = "subscription.upgraded";
    public const string SubscriptionDowngradeScheduled = "subscription.downgrade_scheduled";
    public const string SubscriptionDowngradeUndone = "subscription.downgrade_undone";
    /// <summary>A scheduled downgrade took effect at the period end (the clock moved the subscription onto its new package).</summary>
    public const string SubscriptionDowngraded = "subscription.downgraded";
    public const string SubscriptionSuspended = "subscription.suspended";
    public const string SubscriptionResumed = "subscription.resumed";
    public const string SubscriptionCancelScheduled = "subscription.cancel_scheduled";
    public const string SubscriptionCancelUndone = "subscription.cancel_undone";
    /// <summary>The clock ended a cancelled subscription at its period end.</summary>
    public const string SubscriptionCancelled = "subscription.cancelled";
    /// <summary>The clock ended a one-off subscription after its only period.</summary>
    public const string SubscriptionExpired = "subscription.expired";
    public const string TopUpSold = "topup.sold";
    public const string BillsIssued = "bill.batch_issued";
    public const string BillRunFinished = "bill.run_finished";
    public const string CreditNoteProposed = "creditnote.proposed";
    public const string CreditNoteApproved = "creditnote.approved";
    public const string CreditNoteRejected = "creditnote.rejected";
    public const string CustomerCreated = "customer.created";
    public const string CustomerUpdated = "customer.updated";

    public const string UsageImported = "usage.imported";
    public const string DemoDataSeeded = "database.demo_seeded";

    public static readonly IReadOnlyList<string> All =
    [
        PackageCreated, PackageDraftEdited, PackageVersionStarted, PackageSubmitted, PackageReturnedToDraft, PackageActivated, PackageActivationScheduled,
        PackageScheduledVersionActivated, PackageRetired, PackageCloned,
        ModelCreated, ModelEdited, PoolCreated, PoolEdited, PoolStatusChanged, DeploymentAdded, DeploymentEdited, DeploymentRemoved,
        PriceChangeCreated, PriceChangeEdited, PriceChangeSubmitted, PriceChangeApproved, PriceChangeRejected, PriceChangeRolledBack, RuleSetActivated,
        UserCreated, UserDisabled, UserEnabled, UserRoleChanged, UserPasswordReset, ApiKeyCreated, ApiKeyRevoked, WriteRefused, UsageImported, DemoDataSeeded,
        SubscriptionCreated, SubscriptionUpgraded, SubscriptionDowngradeScheduled, SubscriptionDowngradeUndone, SubscriptionDowngraded, SubscriptionSuspended,
        SubscriptionResumed, SubscriptionCancelScheduled, SubscriptionCancelUndone, SubscriptionCancelled, SubscriptionExpired, TopUpSold,
        BillsIssued, BillRunFinished, CreditNoteProposed, CreditNoteApproved, CreditNoteRejected,
        CustomerCreated, CustomerUpdated,
    ];

    /// <summary>The resource key of an action's display name.</summary>
    public static string ResourceKey(string action) => "audit." + action;
}
