using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Data;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Usage;

/// <summary>Issue 12, item 11: ids are printable and bounded, and an error never repeats a long input in full.</summary>
public sealed class IngestionInputTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset Now => DateTimeOffset.UtcNow.AddMinutes(-1);

    [Theory]
    [InlineData("id")]
    [InlineData("customer")]
    [InlineData("model")]
    public async Task A_one_megabyte_value_gets_a_small_reply_naming_the_field_and_nothing_is_stored(string field)
    {
        var subject = await IngestionSubject.FindAsync(factory);
        var prefix = "huge-" + Guid.NewGuid().ToString("N");
        var e = subject.Event(prefix, Now);
        e[field] = prefix + new string('x', 1024 * 1024);
        using var client = IngestionClient.Create(factory);

        var response = await IngestionClient.PostAsync(client, e);

        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(body.Length < 4096, $"The reply is {body.Length:N0} characters long.");
        var result = (JsonObject)JsonNode.Parse(body)!;
        Assert.Equal(0, (int)result["accepted"]!);
        Assert.Equal(field, (string?)result["errors"]![0]!["field"]);
        Assert.Equal(0, await StoredAsync(prefix));
    }

    [Theory]
    [InlineData("evt-\u0000-nul")]
    [InlineData("evt-\u001b[31m-red")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("evt-\"quoted\"")]
    [InlineData("evt with spaces")]
    [InlineData("evt-\u00e9t\u00e9")]
    public async Task An_event_id_with_control_characters_markup_or_non_ascii_is_refused_and_not_stored(string id)
    {
        var subject = await IngestionSubject.FindAsync(factory);
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var unique = prefix + id;
        using var client = IngestionClient.Create(factory);

        var result = await IngestionClient.ResultAsync(await IngestionClient.PostAsync(client, subject.Event(unique, Now)));

        Assert.Equal(0, (int)result["accepted"]!);
        Assert.Equal("id", (string?)result["errors"]![0]!["field"]);
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(Ct);
        // By the unique prefix: PostgreSQL's text cannot even hold the NUL of one of the ids, so it cannot be looked up whole.
        Assert.False(await db.UsageEvents.AnyAsync(x => x.EventId.StartsWith(prefix), Ct));
    }

    [Theory]
    [InlineData("customer", "C\u001b[2J")]
    [InlineData("package", "<b>SME</b>")]
    [InlineData("region", "CN-\u0000GD")]
    public async Task A_code_with_control_characters_or_markup_is_refused_naming_the_field(string field, string value)
    {
        var subject = await IngestionSubject.FindAsync(factory);
        using var client = IngestionClient.Create(factory);
        var e = subject.Event("code-" + Guid.NewGuid().ToString("N"), Now);
        e[field] = value;

        var result = await IngestionClient.ResultAsync(await IngestionClient.PostAsync(client, e));

        Assert.Equal(field, (string?)result["errors"]![0]!["field"]);
        Assert.DoesNotContain(value, (string?)result["errors"]![0]!["message"] ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ordinary_event_ids_are_still_accepted()
    {
        var subject = await IngestionSubject.FindAsync(factory);
        using var client = IngestionClient.Create(factory);
        var ids = new[] { Guid.NewGuid().ToString(), "gw-01:2026-12-02T00:00:00Z#" + Guid.NewGuid().ToString("N")[..8], "a/b_c.d~" + Guid.NewGuid().ToString("N")[..8] };

        var result = await IngestionClient.ResultAsync(await IngestionClient.PostAsync(client, [.. ids.Select(id => subject.Event(id, Now))]));

        Assert.Equal(3, (int)result["accepted"]!);
    }

    private async Task<int> StoredAsync(string prefix)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(Ct);
        return await db.UsageEvents.CountAsync(x => x.EventId.StartsWith(prefix), Ct);
    }
}
