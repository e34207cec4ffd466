using TokenConsole.Data;

namespace TokenConsole.Features.Customers;

/// <summary>What the audit log records of a subscription before and after a change (field names: <c>field.*</c> resources).</summary>
public sealed record SubscriptionSnapshot(string Customer, string Package, string Status, DateTimeOffset StartsAt, DateTimeOffset? EndsAt,
    DateTimeOffset? SuspendedAt, IReadOnlyList<TermSnapshot> Terms)
{
    /// <summary>Why it was suspended (only on a suspension).</summary>
    public string? Reason { get; init; }

    public static SubscriptionSnapshot Of(Subscription s, string customerCode, string packageCode) => new(
        customerCode, packageCode, s.Status.ToString(), s.StartsAt, s.EndsAt, s.SuspendedAt,
        [.. s.Terms.OrderBy(t => t.From).Select(t => new TermSnapshot(t.PackageVersionId, t.From, t.To, t.Anchor))]);

    /// <summary>The same subscription after a change that kept its package.</summary>
    public SubscriptionSnapshot After(Subscription s) => Of(s, Customer, Package);
}

/// <summary>A term as the audit log records it: the package version, from, to (open: none) and the anniversary its periods count from.</summary>
public sealed record TermSnapshot(int PackageVersion, DateTimeOffset From, DateTimeOffset? To, DateTime Anchor);

/// <summary>A top-up pack sold, as the audit log records it.</summary>
public sealed record TopUpSnapshot(string Customer, string Package, long TopUp, decimal Included, DateTimeOffset ValidFrom, DateTimeOffset ValidTo, long PriceFen);
