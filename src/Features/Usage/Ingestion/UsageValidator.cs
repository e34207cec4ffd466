using System.Globalization;
using TokenConsole.Data;

namespace TokenConsole.Features.Usage.Ingestion;

/// <summary>An event that passed validation, with its codes resolved to ids.</summary>
public readonly record struct ValidUsageEvent(
    string EventId, DateTimeOffset Timestamp, int CustomerId, CustomerSegment Segment, int PackageId, int ModelId, int PoolId,
    string RegionCode, string IndustryCode, long InputTokens, long OutputTokens);

/// <summary>Checks one event against the reference data and the accepted time window; says which field is wrong and why.</summary>
public static class UsageValidator
{
    public const int MaxEventIdLength = 128;
    /// <summary>The reason code of an event refused because the customer's subscription to its package is suspended.</summary>
    public const string SuspendedReason = "subscription_suspended";
    public const string SuspendedMessage = "The customer's subscription to this package is suspended.";
    /// <summary>One call of a large model does not use a billion tokens; a number above it is a client bug, not usage.</summary>
    public const long MaxTokensPerEvent = 1_000_000_000;

    public static ValidUsageEvent? Validate(UsageEventRequest? e, int index, UsageReference reference, DateTimeOffset now, IngestionOptions options, List<IngestionError> errors)
    {
        if (e is null)
        {
            errors.Add(new IngestionError(index, null, "event", "The event is empty (null)."));
            return null;
        }
        var id = e.Id;
        ValidUsageEvent? Fail(string field, string message)
        {
            errors.Add(new IngestionError(index, id is null ? null : Echo(id), field, message));
            return null;
        }

        if (string.IsNullOrWhiteSpace(id))
        {
            return Fail("id", "The event id is required: it is the idempotency key.");
        }
        if (id.Length > MaxEventIdLength)
        {
            return Fail("id", $"The event id is longer than {MaxEventIdLength} characters.");
        }
        if (!IsPlainText(id))
        {
            return Fail("id", IdCharactersMessage("event id"));
        }
        foreach (var (field, value) in (ReadOnlySpan<(string, string?)>)[("customer", e.Customer), ("package", e.Package), ("model", e.Model),
            ("region", e.Region), ("industry", e.Industry), ("pool", e.Pool)])
        {
            if (value is null)
            {
                continue;
            }
            if (value.Length > MaxCodeLength)
            {
                return Fail(field, $"The {field} code is longer than {MaxCodeLength} characters.");
            }
            if (value.Length > 0 && !IsPlainText(value))
            {
                return Fail(field, IdCharactersMessage($"{field} code"));
            }
        }
        if (string.IsNullOrWhiteSpace(e.Timestamp))
        {
            return Fail("timestamp", "The timestamp is required (ISO 8601 with an offset, e.g. 2026-11-27T10:00:00Z).");
        }
        if (!DateTimeOffset.TryParse(e.Timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var timestamp))
        {
            return Fail("timestamp", $"'{Echo(e.Timestamp)}' is not an ISO 8601 date and time.");
        }
        if (timestamp > now.AddMinutes(options.FutureSkewMinutes))
        {
            return Fail("timestamp", $"The timestamp is in the future (more than {options.FutureSkewMinutes} minutes ahead of the server clock).");
        }
        if (timestamp < now.AddDays(-options.AcceptedWindowDays))
        {
            return Fail("timestamp", $"The timestamp is older than the accepted window of {options.AcceptedWindowDays} days.");
        }
        if (string.IsNullOrWhiteSpace(e.Customer) || !reference.Customers.TryGetValue(e.Customer, out var customer))
        {
            return Fail("customer", string.IsNullOrWhiteSpace(e.Customer) ? "The customer code is required." : $"Unknown customer '{Echo(e.Customer)}'.");
        }
        if (string.IsNullOrWhiteSpace(e.Package) || !reference.Packages.TryGetValue(e.Package, out var packageId))
        {
            return Fail("package", string.IsNullOrWhiteSpace(e.Package) ? "The package code is required." : $"Unknown package '{Echo(e.Package)}', or it was never on sale.");
        }
        if (!customer.Packages.Contains(packageId))
        {
            // Only on the refused path: a suspended subscription has its own reason, so operations see why it was refused.
            if (customer.SuspendedPackages.Contains(packageId))
            {
                errors.Add(new IngestionError(index, Echo(id), "package", SuspendedMessage, SuspendedReason));
                return null;
            }
            return Fail("package", $"Customer '{Echo(e.Customer)}' has no active subscription to package '{Echo(e.Package)}'.");
        }
        if (string.IsNullOrWhiteSpace(e.Model) || !reference.Models.TryGetValue(e.Model, out var model))
        {
            return Fail("model", string.IsNullOrWhiteSpace(e.Model) ? "The model code is required." : $"Unknown model '{Echo(e.Model)}'.");
        }
        if (!reference.EntitledModels.TryGetValue(packageId, out var entitled) || !entitled.Contains(model.Id))
        {
            return Fail("model", $"Package '{Echo(e.Package)}' does not entitle model '{Echo(e.Model)}'.");
        }
        if (string.IsNullOrWhiteSpace(e.Region) || !reference.Regions.Contains(e.Region))
        {
            return Fail("region", string.IsNullOrWhiteSpace(e.Region) ? "The region is required (ISO 3166-2:CN, e.g. CN-GD)." : $"Unknown region '{Echo(e.Region)}' (ISO 3166-2:CN, e.g. CN-GD).");
        }
        if (string.IsNullOrWhiteSpace(e.Industry) || !reference.Industries.Contains(e.Industry))
        {
            return Fail("industry", string.IsNullOrWhiteSpace(e.Industry) ? "The industry is required." : $"Unknown industry '{Echo(e.Industry)}'.");
        }
        if (e.InputTokens is null or < 0 or > MaxTokensPerEvent)
        {
            return Fail("inputTokens", e.InputTokens is null ? "inputTokens is required." : $"inputTokens must be between 0 and {MaxTokensPerEvent:N0}.");
        }
        if (e.OutputTokens is null or < 0 or > MaxTokensPerEvent)
        {
            return Fail("outputTokens", e.OutputTokens is null ? "outputTokens is required." : $"outputTokens must be between 0 and {MaxTokensPerEvent:N0}.");
        }
        int poolId;
        if (!string.IsNullOrWhiteSpace(e.Pool))
        {
            if (!reference.Pools.TryGetValue(e.Pool, out poolId))
            {
                return Fail("pool", $"Unknown pool '{Echo(e.Pool)}'.");
            }
        }
        else if (reference.Router.Route(model.Id, e.Region, Uniform(id)) is { } routed)
        {
            poolId = routed;
        }
        else
        {
            return Fail("pool", $"No pool is named and no online pool serves model '{Echo(e.Model)}'.");
        }
        return new ValidUsageEvent(id, timestamp.ToUniversalTime(), customer.Id, customer.Segment, packageId, model.Id, poolId,
            e.Region, e.Industry, e.InputTokens.Value, e.OutputTokens.Value);
    }

    /// <summary>Codes (customer, package, model, region, industry, pool) are short; the longest seeded is well under this.</summary>
    public const int MaxCodeLength = 64;

    /// <summary>How much of a client's value an error message repeats.</summary>
    public const int MaxEcho = 64;

    /// <summary>
    /// Ids and codes are printable ASCII without spaces and without <c>&lt; &gt; &amp; " ' \ `</c>: what UUIDs, ULIDs,
    /// gateway ids such as <c>gw-01:2026-12-02T00:00:00Z#17</c> and our codes use, and nothing that a terminal, a log
    /// viewer, a CSV or an HTML page would take for markup or control. (A NUL, ESC or markup id was stored before issue 12.)
    /// </summary>
    public static bool IsPlainText(string value)
    {
        foreach (var c in value)
        {
            if (c is < '!' or > '~' or '<' or '>' or '&' or '"' or '\'' or '\\' or '`')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A client's value as an error repeats it: at most <see cref="MaxEcho"/> characters, anything but printable ASCII as <c>?</c>.</summary>
    public static string Echo(string? value)
    {
        if (value is null)
        {
            return "";
        }
        var shown = value.Length > MaxEcho ? value[..MaxEcho] : value;
        if (!shown.Any(c => c is < ' ' or > '~'))
        {
            return shown.Length < value.Length ? shown + "…" : shown;
        }
        var safe = string.Create(shown.Length, shown, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = text[i] is < ' ' or > '~' ? '?' : text[i];
            }
        });
        return shown.Length < value.Length ? safe + "…" : safe;
    }

    private static string IdCharactersMessage(string what) =>
        $"The {what} may hold only printable ASCII characters without spaces and without < > & \" ' \\ ` (no control characters).";

    /// <summary>A number in [0, 1) that depends only on the event id (FNV-1a), so a retried event is routed the same way.</summary>
    private static double Uniform(string id)
    {
        var hash = 2166136261u;
        foreach (var c in id)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }
        return hash / (uint.MaxValue + 1.0);
    }
}
