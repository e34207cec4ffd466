using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Data;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Usage;

/// <summary>
/// A customer of the seeded data with a package and a model that package entitles, to build valid events, and room left
/// in its current allowance (the demo has customers past theirs, whose usage would be overage, not drawn from the buckets).
/// </summary>
public sealed record IngestionSubject(string Customer, int CustomerId, string Package, string Model, string Region, string Industry, string OtherModel)
{
    /// <summary>Billable tokens the subject's current allowance still holds at least: far more than any test sends.</summary>
    private const decimal Room = 100_000_000m;

    public static async Task<IngestionSubject> FindAsync(ConsoleFactory factory, int skip = 0)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(ct);
        var rows = await (from s in db.Subscriptions
                          join c in db.Customers on s.CustomerId equals c.Id
                          join p in db.Packages on s.PackageId equals p.Id
                          where p.Code == "SME-BIZ"
                          orderby c.Id
                          select new { SubscriptionId = s.Id, c.Code, c.Id, Package = p.Code, c.RegionCode, c.IndustryCode })
            .ToListAsync(ct);
        var now = DateTimeOffset.UtcNow;
        var allowances = (await db.AllowanceBuckets.AsNoTracking().Where(b => b.Kind == TokenConsole.Features.Customers.BucketKind.Allowance).ToListAsync(ct))
            .Where(b => b.ValidFrom <= now && now < b.ValidTo).ToDictionary(b => b.SubscriptionId);
        var row = rows.Where(r => allowances.TryGetValue(r.SubscriptionId, out var b) && b.Remaining >= Room).Skip(skip).First();
        return new IngestionSubject(row.Code, row.Id, row.Package, "deepseek-v3", row.RegionCode, row.IndustryCode, "qwen-max");
    }

    public JsonObject Event(string id, DateTimeOffset at, long input = 1200, long output = 300) => new()
    {
        ["id"] = id, ["timestamp"] = at.ToString("O"), ["customer"] = Customer, ["package"] = Package, ["model"] = Model,
        ["region"] = Region, ["industry"] = Industry, ["inputTokens"] = input, ["outputTokens"] = output,
    };
}

public static class IngestionClient
{
    public static HttpClient Create(ConsoleFactory factory, string? key = ConsoleFactory.IngestionKey)
    {
        var client = factory.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }
        return client;
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, params JsonNode?[] events) =>
        client.PostAsJsonAsync("/api/v1/usage/events", new JsonObject { ["events"] = new JsonArray(events) }, TestContext.Current.CancellationToken);

    public static async Task<JsonObject> ResultAsync(HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
    }
}
