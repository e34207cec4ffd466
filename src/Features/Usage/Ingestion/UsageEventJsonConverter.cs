using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TokenConsole.Features.Usage.Ingestion;

/// <summary>
/// Reads one usage event of a batch. It does what System.Text.Json's generated reader did (camelCase names matched
/// without regard to case, unknown properties skipped, a value of the wrong type is a <see cref="JsonException"/>), with
/// one difference that matters at 100,000 events/s: the six codes of an event (customer, package, model, region,
/// industry, pool) repeat in every event, so they come from <see cref="CodeStrings"/> instead of being allocated again
/// each time. Decoding those strings was a fifth of a request thread's time (issue 5).
/// </summary>
public sealed class UsageEventJsonConverter : JsonConverter<UsageEventRequest>
{
    public override UsageEventRequest? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"An event must be a JSON object, not {reader.TokenType}.");
        }
        var e = new UsageEventRequest();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = Name(ref reader);
            reader.Read();
            switch (name)
            {
                case Field.Id: e.Id = String(ref reader, "id"); break;
                case Field.Timestamp: e.Timestamp = String(ref reader, "timestamp"); break;
                case Field.Customer: e.Customer = Code(ref reader, "customer"); break;
                case Field.Package: e.Package = Code(ref reader, "package"); break;
                case Field.Model: e.Model = Code(ref reader, "model"); break;
                case Field.Region: e.Region = Code(ref reader, "region"); break;
                case Field.Industry: e.Industry = Code(ref reader, "industry"); break;
                case Field.Pool: e.Pool = Code(ref reader, "pool"); break;
                case Field.InputTokens: e.InputTokens = Number(ref reader, "inputTokens"); break;
                case Field.OutputTokens: e.OutputTokens = Number(ref reader, "outputTokens"); break;
                default: reader.Skip(); break;
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException("An event object is not closed.");
        }
        return e;
    }

    public override void Write(Utf8JsonWriter writer, UsageEventRequest value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Usage events are only read.");

    private enum Field { Other, Id, Timestamp, Customer, Package, Model, Region, Industry, Pool, InputTokens, OutputTokens }

    private static Field Name(ref Utf8JsonReader reader)
    {
        if (reader.HasValueSequence || reader.ValueIsEscaped || reader.ValueSpan.Length > 16)
        {
            return FieldOf(reader.GetString());
        }
        Span<char> name = stackalloc char[16];
        var length = reader.CopyString(name);
        return FieldOf(name[..length]);
    }

    private static Field FieldOf(ReadOnlySpan<char> name) => name switch
    {
        _ when name.Equals("id", StringComparison.OrdinalIgnoreCase) => Field.Id,
        _ when name.Equals("timestamp", StringComparison.OrdinalIgnoreCase) => Field.Timestamp,
        _ when name.Equals("customer", StringComparison.OrdinalIgnoreCase) => Field.Customer,
        _ when name.Equals("package", StringComparison.OrdinalIgnoreCase) => Field.Package,
        _ when name.Equals("model", StringComparison.OrdinalIgnoreCase) => Field.Model,
        _ when name.Equals("region", StringComparison.OrdinalIgnoreCase) => Field.Region,
        _ when name.Equals("industry", StringComparison.OrdinalIgnoreCase) => Field.Industry,
        _ when name.Equals("pool", StringComparison.OrdinalIgnoreCase) => Field.Pool,
        _ when name.Equals("inputTokens", StringComparison.OrdinalIgnoreCase) => Field.InputTokens,
        _ when name.Equals("outputTokens", StringComparison.OrdinalIgnoreCase) => Field.OutputTokens,
        _ => Field.Other,
    };

    private static string? String(ref Utf8JsonReader reader, string field) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetString(),
        _ => throw WrongType(field, "a string", reader.TokenType),
    };

    private static string? Code(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType != JsonTokenType.String)
        {
            throw WrongType(field, "a string", reader.TokenType);
        }
        if (reader.HasValueSequence || reader.ValueSpan.Length > CodeStrings.MaxLength)
        {
            return reader.GetString();
        }
        Span<char> code = stackalloc char[CodeStrings.MaxLength];
        return CodeStrings.Get(code[..reader.CopyString(code)]);
    }

    private static long? Number(ref Utf8JsonReader reader, string field) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number when reader.TryGetInt64(out var value) => value,
        JsonTokenType.Number => throw new JsonException($"{field} must be a whole number that fits in 64 bits."),
        _ => throw WrongType(field, "a number", reader.TokenType),
    };

    private static JsonException WrongType(string field, string expected, JsonTokenType actual) =>
        new($"The JSON value of '{field}' must be {expected}, not {actual}.");
}

/// <summary>
/// The strings of codes seen in usage events, shared so that a code repeated in every event is one string. Bounded: once
/// it holds <see cref="MaxEntries"/> codes (a client sending made-up codes), new ones are allocated and not kept.
/// </summary>
internal static class CodeStrings
{
    public const int MaxLength = 64;
    private const int MaxEntries = 100_000;
    private static readonly ConcurrentDictionary<string, string> Known = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> KnownBySpan =
        Known.GetAlternateLookup<ReadOnlySpan<char>>();

    public static string Get(ReadOnlySpan<char> code)
    {
        if (KnownBySpan.TryGetValue(code, out var known))
        {
            return known;
        }
        var text = code.ToString();
        return Known.Count < MaxEntries ? Known.GetOrAdd(text, text) : text;
    }
}
