using System.Text.Json;
using System.Text.Json.Serialization;

namespace TokenConsole.Features.Usage.Ingestion;

/// <summary>The body of <c>POST /api/v1/usage/events</c>.</summary>
public sealed class UsageBatchRequest
{
    public List<UsageEventRequest?>? Events { get; set; }
}

/// <summary>One usage event as a gateway sends it. Codes, not database ids; the timestamp is ISO 8601 with an offset.</summary>
[JsonConverter(typeof(UsageEventJsonConverter))]
public sealed class UsageEventRequest
{
    public string? Id { get; set; }
    public string? Timestamp { get; set; }
    public string? Customer { get; set; }
    public string? Package { get; set; }
    public string? Model { get; set; }
    public string? Region { get; set; }
    public string? Industry { get; set; }
    public long? InputTokens { get; set; }
    public long? OutputTokens { get; set; }
    public string? Pool { get; set; }
}

/// <summary>
/// A refused event: its index and id, the field and why. <see cref="Reason"/> is a stable code for refusals a client
/// acts on differently (<c>subscription_suspended</c>); absent from the JSON otherwise.
/// </summary>
public sealed record IngestionError(int Index, string? Id, string Field, string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);

public sealed record IngestionResult(int Accepted, int Duplicates, int Rejected, IReadOnlyList<IngestionError> Errors);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, AllowTrailingCommas = false)]
[JsonSerializable(typeof(UsageBatchRequest))]
[JsonSerializable(typeof(IngestionResult))]
internal sealed partial class IngestionJsonContext : JsonSerializerContext;
