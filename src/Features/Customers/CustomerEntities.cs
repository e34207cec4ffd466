namespace TokenConsole.Features.Customers;

/// <summary>
/// What a subscription holds from <see cref="From"/> until <see cref="To"/> (open: until changed): a package version,
/// and the Beijing day its billing periods count from (<see cref="Anchor"/>, the anniversary). Terms never overlap; the
/// term in force at an instant prices it, and the term in force at the end of a Beijing day is charged that day's fee.
/// </summary>
public class SubscriptionTerm
{
    public int Id { get; set; }
    public int SubscriptionId { get; set; }
    public int PackageVersionId { get; set; }
    public DateTimeOffset From { get; set; }
    public DateTimeOffset? To { get; set; }
    /// <summary>Midnight Beijing time, as UTC, of the day the first period of this term starts.</summary>
    public DateTime Anchor { get; set; }
}

public enum BucketKind { Allowance, Rollover, TopUp }

/// <summary>
/// Billable tokens (tokens × the model's entitlement multiplier) a subscription may use from <see cref="ValidFrom"/> to
/// <see cref="ValidTo"/>. Usage draws on the period's rollover, then its allowance, then top-ups by earliest expiry.
/// Allowance and rollover buckets are opened by the usage writer at a period's first usage; a top-up bucket is the
/// top-up pack sold, with its price. Only the usage writer changes <see cref="Used"/>.
/// </summary>
public class AllowanceBucket
{
    public long Id { get; set; }
    public int SubscriptionId { get; set; }
    public int CustomerId { get; set; }
    public BucketKind Kind { get; set; }
    /// <summary>Start of the billing period the bucket belongs to (for a top-up: its purchase instant); with Kind and the subscription, unique.</summary>
    public DateTimeOffset PeriodStart { get; set; }
    public DateTimeOffset ValidFrom { get; set; }
    public DateTimeOffset ValidTo { get; set; }
    public decimal Included { get; set; }
    public decimal Used { get; set; }
    /// <summary>A top-up: the top-up package and version sold, and its one-off price in fen (tax-inclusive).</summary>
    public int? TopUpPackageId { get; set; }
    public int? TopUpPackageVersionId { get; set; }
    public long? PriceFen { get; set; }
    public string? SoldById { get; set; }

    public decimal Remaining => Math.Max(0, Included - Used);
}

public enum NotificationThreshold { Percent80 = 80, Percent100 = 100 }

/// <summary>
/// A subscription crossed 80 % or 100 % of its period's allowance (allowance and rollover): written once per period
/// and threshold, in the transaction of the usage that crossed it, with an <see cref="OutboxMessage"/> for the webhook.
/// </summary>
public class CustomerNotification
{
    public long Id { get; set; }
    public int CustomerId { get; set; }
    public int SubscriptionId { get; set; }
    public DateTimeOffset PeriodStart { get; set; }
    public int Threshold { get; set; }
    public decimal Included { get; set; }
    public decimal Used { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A message to deliver outside the console, written in the transaction of what caused it and sent by the outbox
/// dispatcher until it is accepted: retried with back-off, never lost by a restart; the receiver de-duplicates by
/// <see cref="IdempotencyKey"/>.
/// </summary>
public class OutboxMessage
{
    public long Id { get; set; }
    public required string Kind { get; set; }
    public required string IdempotencyKey { get; set; }
    public required string Payload { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public string? LastError { get; set; }
}

/// <summary>
/// An order from the operator's order system, remembered by its client request id so that a retry gets the first
/// answer instead of a second subscription.
/// </summary>
public class OrderRequest
{
    public required string ClientRequestId { get; set; }
    /// <summary>A hash of the request body: the same id with a different body is refused.</summary>
    public required string RequestHash { get; set; }
    public int StatusCode { get; set; }
    public required string Response { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}
