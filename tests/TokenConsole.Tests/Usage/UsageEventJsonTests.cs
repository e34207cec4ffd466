using System.Text.Json;
using TokenConsole.Features.Usage.Ingestion;

namespace TokenConsole.Tests.Usage;

/// <summary>The hand-written reader of usage events reads what the generated one read, and shares the strings of codes.</summary>
public sealed class UsageEventJsonTests
{
    private static UsageBatchRequest Parse(string json) =>
        JsonSerializer.Deserialize(json, IngestionJsonContext.Default.UsageBatchRequest)!;

    [Fact]
    public void Every_field_is_read_whatever_the_case_of_its_name_and_unknown_fields_are_skipped()
    {
        var batch = Parse("""
            {"events":[{"ID":"e-1","Timestamp":"2026-11-27T10:00:00Z","customer":"C0001","package":"PKG","model":"qwen-max",
              "region":"CN-GD","industry":"finance","inputTokens":1200,"OUTPUTTOKENS":300,"pool":"gd-sz",
              "extra":{"nested":[1,2,{"x":null}]},"\u0072eason":"escaped name, unknown"}, null]}
            """);

        Assert.Equal(2, batch.Events!.Count);
        var e = batch.Events[0]!;
        Assert.Equal(("e-1", "2026-11-27T10:00:00Z", "C0001", "PKG", "qwen-max", "CN-GD", "finance", 1200L, 300L, "gd-sz"),
            (e.Id, e.Timestamp, e.Customer, e.Package, e.Model, e.Region, e.Industry, e.InputTokens, e.OutputTokens, e.Pool));
        Assert.Null(batch.Events[1]);
    }

    [Fact]
    public void A_code_repeated_in_many_events_is_one_string_and_escapes_are_decoded()
    {
        var batch = Parse("""{"events":[{"id":"a","region":"CN-\u0047D"},{"id":"b","region":"CN-GD"},{"id":"c","region":null}]}""");

        Assert.Equal("CN-GD", batch.Events![0]!.Region);
        Assert.Same(batch.Events[0]!.Region, batch.Events[1]!.Region);
        Assert.Null(batch.Events[2]!.Region);
    }

    [Theory]
    [InlineData("""{"events":[{"id":"x","inputTokens":"many"}]}""")]
    [InlineData("""{"events":[{"id":"x","inputTokens":1.5}]}""")]
    [InlineData("""{"events":[{"id":"x","inputTokens":99999999999999999999}]}""")]
    [InlineData("""{"events":[{"id":7}]}""")]
    [InlineData("""{"events":[{"id":"x","region":["CN-GD"]}]}""")]
    [InlineData("""{"events":[42]}""")]
    [InlineData("""{"events":[{"id":"x",}]}""")]
    public void A_value_of_the_wrong_type_is_a_JSON_error(string json) =>
        Assert.ThrowsAny<JsonException>(() => Parse(json));
}
