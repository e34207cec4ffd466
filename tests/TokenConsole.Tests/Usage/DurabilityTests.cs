using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;

namespace TokenConsole.Tests.Usage;

/// <summary>
/// Acknowledged usage is never lost: the real application as a process, killed with SIGKILL right after it answers, on
/// the pass's provider (a SQLite file, or a PostgreSQL database whose commit returned: synchronous_commit is on).
/// </summary>
public sealed class DurabilityTests : IDisposable
{
    private const string Key = "durability-test-key-42";
    private readonly TestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private Dictionary<string, string> Environment(bool nativeBinding) => new()
    {
        // The binding is SQLite's; on PostgreSQL both cases run the same writer.
        ["Ingestion__NativeBinding"] = nativeBinding ? "true" : "false",
        ["Database__Provider"] = _database.Provider.ToString(),
        ["ConnectionStrings__TokenConsole"] = _database.ConnectionString,
        ["Demo__Days"] = "2",
        ["Demo__Customers"] = "500",
        ["Demo__CallsPerDay"] = "5000",
        ["Demo__EventHours"] = "1",
        ["Ingestion__ApiKeys__0"] = Key,
    };

    /// <summary>On both of the writer's ways of binding rows: SQLite's C functions directly, and SQLitePCL alone.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_acknowledged_batch_survives_kill_9_right_after_the_response_and_a_retry_counts_nothing_twice(bool nativeBinding)
    {
        var ct = TestContext.Current.CancellationToken;
        var batch = new JsonObject();
        List<string> ids;
        await using (var app = await AppProcess.StartAsync(Environment(nativeBinding)))
        {
            var subject = await SubjectAsync();
            ids = [.. Enumerable.Range(0, 2000).Select(i => $"kill-{i}-{Guid.NewGuid():N}")];
            var at = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O");
            batch["events"] = new JsonArray([.. ids.Select(id => (JsonNode)new JsonObject
            {
                ["id"] = id, ["timestamp"] = at, ["customer"] = subject.Customer, ["package"] = subject.Package, ["model"] = subject.Model,
                ["region"] = subject.Region, ["industry"] = subject.Industry, ["inputTokens"] = 1000, ["outputTokens"] = 100,
            })]);
            using var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
            client.DefaultRequestHeaders.Add("X-Api-Key", Key);
            var response = await client.PostAsJsonAsync("/api/v1/usage/events", batch, ct);
            // kill -9 the moment the answer arrives: nothing may depend on a clean shutdown.
            await app.KillAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2000, (int)JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["accepted"]!);
        }

        Assert.Equal(2000, await CountAsync(ids));

        await using (var app = await AppProcess.StartAsync(Environment(nativeBinding)))
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
            client.DefaultRequestHeaders.Add("X-Api-Key", Key);
            var retry = JsonNode.Parse(await (await client.PostAsJsonAsync("/api/v1/usage/events", batch, ct)).Content.ReadAsStringAsync(ct))!;
            Assert.Equal(0, (int)retry["accepted"]!);
            Assert.Equal(2000, (int)retry["duplicates"]!);
        }
        Assert.Equal(2000, await CountAsync(ids));
    }

    private async Task<IngestionSubject> SubjectAsync()
    {
        await using var db = _database.CreateDbContext();
        var row = await (from s in db.Subscriptions
                         join c in db.Customers on s.CustomerId equals c.Id
                         join p in db.Packages on s.PackageId equals p.Id
                         where p.Code == "SME-BIZ"
                         select new { c.Code, c.Id, c.RegionCode, c.IndustryCode }).FirstAsync(TestContext.Current.CancellationToken);
        return new IngestionSubject(row.Code, row.Id, "SME-BIZ", "deepseek-v3", row.RegionCode, row.IndustryCode, "qwen-max");
    }

    private async Task<int> CountAsync(List<string> ids)
    {
        await using var db = _database.CreateDbContext();
        return await db.UsageEvents.CountAsync(e => ids.Contains(e.EventId), TestContext.Current.CancellationToken);
    }
}
