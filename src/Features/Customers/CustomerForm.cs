using System.Text.RegularExpressions;
using TokenConsole.Data;

namespace TokenConsole.Features.Customers;

/// <summary>
/// Field errors of the customer form: field name → English resource key. The dialog shows them next to the fields while
/// the person types, and <see cref="CustomerService"/> runs the same checks again before saving.
/// </summary>
public sealed class CustomerFieldErrors : Dictionary<string, string>
{
    public bool IsValid => Count == 0;
    public string? Of(string field) => TryGetValue(field, out var key) ? key : null;
}

/// <summary>What the create/edit dialog edits. <see cref="Id"/> null: a new customer.</summary>
public sealed partial class CustomerForm
{
    public const int MaxName = 200;

    public int? Id { get; set; }
    public uint Version { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string NameZh { get; set; } = "";
    public CustomerSegment Segment { get; set; } = CustomerSegment.LargeEnterprise;
    public string IndustryCode { get; set; } = "";
    public string RegionCode { get; set; } = "";
    /// <summary>The account manager's stable user id; null on a new customer: the creator, when they are one.</summary>
    public string? AccountManagerId { get; set; }
    public CustomerStatus Status { get; set; } = CustomerStatus.Active;

    /// <summary>Codes are stored upper-case, so that C00042 and c00042 are one customer.</summary>
    public static string NormalizeCode(string? code) => (code ?? "").Trim().ToUpperInvariant();

    public static bool IsCode(string code) => CodePattern().IsMatch(code);

    public CustomerFieldErrors Validate(IReadOnlyCollection<string> regions, IReadOnlyCollection<string> industries, IReadOnlyCollection<string>? accountManagers)
    {
        var errors = new CustomerFieldErrors();
        var code = NormalizeCode(Code);
        if (code.Length == 0)
        {
            errors["code"] = "Required";
        }
        else if (!IsCode(code))
        {
            errors["code"] = "3 to 32 letters, digits or hyphens, e.g. C00042.";
        }
        Text(errors, "name", Name);
        Text(errors, "name-zh", NameZh);
        if (!Enum.IsDefined(Segment))
        {
            errors["segment"] = "Choose a segment.";
        }
        if (!regions.Contains(RegionCode))
        {
            errors["region"] = "Choose a region.";
        }
        if (!industries.Contains(IndustryCode))
        {
            errors["industry"] = "Choose an industry.";
        }
        if (accountManagers is not null && AccountManagerId is { } manager && !accountManagers.Contains(manager))
        {
            errors["account-manager"] = "Choose an account manager.";
        }
        if (!Enum.IsDefined(Status))
        {
            errors["status"] = "Choose a status.";
        }
        return errors;
    }

    public static CustomerForm From(Customer c) => new()
    {
        Id = c.Id, Version = c.Version, Code = c.Code, Name = c.Name, NameZh = c.NameZh, Segment = c.Segment, IndustryCode = c.IndustryCode,
        RegionCode = c.RegionCode, AccountManagerId = c.AccountManagerId, Status = c.Status,
    };

    private static void Text(CustomerFieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = "Required";
        }
        else if (value.Trim().Length > MaxName)
        {
            errors[field] = "At most 200 characters.";
        }
    }

    [GeneratedRegex("^[A-Z0-9-]{3,32}$")]
    private static partial Regex CodePattern();
}

/// <summary>What the audit log records of a customer, before and after a change.</summary>
public sealed record CustomerSnapshot(string Code, string Name, string NameZh, string Segment, string IndustryCode, string RegionCode, string? AccountManagerId, string Status)
{
    public static CustomerSnapshot Of(Customer c) =>
        new(c.Code, c.Name, c.NameZh, c.Segment.ToString(), c.IndustryCode, c.RegionCode, c.AccountManagerId, c.Status.ToString());
}
