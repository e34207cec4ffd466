using TokenConsole.Data;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Billing;

namespace TokenConsole.Features.Customers;

/// <summary>Everything the customer page shows, read at once.</summary>
public sealed record CustomerDetails(
    Customer Customer, string RegionEn, string RegionZh, string IndustryEn, string IndustryZh, string? AccountManager,
    IReadOnlyList<SubscriptionView> Subscriptions, UsageComparison Usage, IReadOnlyList<Bill> Bills, IReadOnlyList<CreditNote> CreditNotes,
    IReadOnlyList<NotificationView> Notifications, IReadOnlyList<AuditEntry> Audit);

/// <summary>A bucket as a bar: included, used and remaining billable tokens, valid until <see cref="ValidTo"/> (resets on, or expires).</summary>
public sealed record BucketBar(BucketKind Kind, decimal Included, decimal Used, DateTimeOffset ValidTo, bool Virtual, string? TopUpEn = null, string? TopUpZh = null)
{
    public decimal Remaining => Math.Max(0, Included - Used);
    /// <summary>The used share of the bar, 0–100 (a bucket is never drawn beyond full).</summary>
    public decimal UsedPercent => Included <= 0 ? 0 : Math.Min(100, Used * 100m / Included);
}

/// <summary>A package the subscription changes to at a later instant (a downgrade at the period's end).</summary>
public sealed record PendingChange(int PackageVersionId, string PackageCode, string En, string Zh, DateTimeOffset From);

public sealed record SubscriptionView(
    int Id, uint Version, int PackageId, string PackageCode, string En, string Zh, SubscriptionStatus Status, DateTimeOffset StartsAt, DateTimeOffset? EndsAt,
    DateTimeOffset? SuspendedAt, PendingChange? Pending, BillingPeriodSpan? Period, IReadOnlyList<BucketBar> Buckets, Catalog.ExhaustionPolicy WhenExhausted)
{
    /// <summary>Cancelled at the period's end but not yet ended: the cancellation can be undone.</summary>
    public bool CancelPending => EndsAt is not null && Status is SubscriptionStatus.Active or SubscriptionStatus.Suspended;
    public bool Running => Status is SubscriptionStatus.Active or SubscriptionStatus.Suspended;
}

/// <summary>Billable tokens (bucket + overage), calls, usage charges and leakage of one model in a period.</summary>
public sealed record ModelUsage(int ModelId, string Model, decimal BillableTokens, long Calls, long RevenueMicros, decimal LeakageTokens);

/// <summary>This period's usage by model beside the previous period's.</summary>
public sealed record UsageComparison(BillingPeriodSpan Current, BillingPeriodSpan Previous, IReadOnlyList<(string Model, ModelUsage? Now, ModelUsage? Before)> Models)
{
    /// <summary>Usage charges so far this period (overage and pay-as-you-go), micro-yuan.</summary>
    public long OverageMicros => Models.Sum(m => m.Now?.RevenueMicros ?? 0);
    public decimal LeakageTokens => Models.Sum(m => m.Now?.LeakageTokens ?? 0);
}

public sealed record NotificationView(DateTimeOffset CreatedAt, int Threshold, int SubscriptionId, string PackageEn, string PackageZh);
