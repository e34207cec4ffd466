namespace TokenConsole.Data;

public enum MacroRegion { North, NorthEast, East, SouthCentral, SouthWest, NorthWest }

/// <summary>A provincial-level division of mainland China, keyed by its ISO 3166-2:CN code (e.g. CN-GD).</summary>
public class Region
{
    public required string Code { get; set; }
    public required string NameEn { get; set; }
    public required string NameZh { get; set; }
    public MacroRegion MacroRegion { get; set; }
    /// <summary>GDP 2023 in 100 million CNY; the demo data weights usage by it.</summary>
    public double EconomicWeight { get; set; }

    public string Name(bool chinese) => chinese ? NameZh : NameEn;
}

/// <summary>An industry, keyed by a lower-case code such as <c>finance</c>.</summary>
public class Industry
{
    public required string Code { get; set; }
    public required string NameEn { get; set; }
    public required string NameZh { get; set; }

    public string Name(bool chinese) => chinese ? NameZh : NameEn;
}

public enum CustomerSegment { Personal, Sme, LargeEnterprise, Government }

public enum CustomerStatus { Active, Closed }

/// <summary>A customer of the Token Office: a person or an organisation, served by an account manager.</summary>
public class Customer
{
    public int Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required string NameZh { get; set; }
    public CustomerSegment Segment { get; set; }
    public required string IndustryCode { get; set; }
    public Industry? Industry { get; set; }
    public required string RegionCode { get; set; }
    public Region? Region { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public CustomerStatus Status { get; set; }
    /// <summary>The account manager's stable user id (compared), shown by the user's display name.</summary>
    public string? AccountManagerId { get; set; }
    public List<Subscription> Subscriptions { get; set; } = [];
    public uint Version { get; set; }
}

/// <summary>
/// Active: usage is accepted and fees run. Suspended: usage is refused, fees run on (the commitment stands).
/// Cancelled: ended at a period end after a cancellation. Expired: a one-off package past its validity.
/// The values are stored by name, so new ones are appended.
/// </summary>
public enum SubscriptionStatus { Active, Expired, Cancelled, Suspended }

/// <summary>
/// A customer's holding of a base package. What it holds over time is its <see cref="Terms"/>: each names a package
/// version and the anniversary its billing periods count from; an upgrade starts a new term at once, a downgrade at
/// the end of the period, a cancellation ends the last term at the end of the period.
/// </summary>
public class Subscription
{
    public int Id { get; set; }
    public int CustomerId { get; set; }
    public Customer? Customer { get; set; }
    public int PackageId { get; set; }
    /// <summary>The package version the customer bought: its price holds until renewal.</summary>
    public int PackageVersionId { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset? EndsAt { get; set; }
    public SubscriptionStatus Status { get; set; }
    public DateTimeOffset? SuspendedAt { get; set; }
    public List<Features.Customers.SubscriptionTerm> Terms { get; set; } = [];
    public uint Version { get; set; }
}
