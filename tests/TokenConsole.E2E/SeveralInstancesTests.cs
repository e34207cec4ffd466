using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Npgsql;
using TokenConsole.Data.Cluster;
using TokenConsole.Features.Usage.Ingestion;

namespace TokenConsole.E2E;

/// <summary>
/// Two console processes on one PostgreSQL database (issue 15), started together on an empty database, each with a home
/// folder of its own (so a Data Protection key ring on disk could not be what they share). They run whatever the tests'
/// provider is: several instances exist only on PostgreSQL, and a missing server fails here with how to install one.
/// </summary>
public sealed class TwoInstances : IAsyncLifetime
{
    public const string Key = "two-instances-key-0123456789";
    private readonly PostgresTestDatabase _database = new();
    private readonly TempFolder _homes = new("tokenconsole-homes-");

    public AppProcess First { get; private set; } = default!;
    public AppProcess Second { get; private set; } = default!;
    public string ConnectionString => _database.ConnectionString;
    public string DemoPassword { get; } = "Demo-" + Guid.NewGuid().ToString("N")[..12];

    public async ValueTask InitializeAsync()
    {
        // Together: the start-up lock makes one migrate and seed while the other waits, then finds it done.
        var first = AppProcess.StartAsync(Environment("first"));
        var second = AppProcess.StartAsync(Environment("second"));
        First = await first;
        Second = await second;
    }

    public Dictionary<string, string> Environment(string name) => new()
    {
        ["HOME"] = Directory.CreateDirectory(_homes.File(name)).FullName,
        ["Database__Provider"] = "PostgreSQL",
        ["ConnectionStrings__TokenConsole"] = _database.ConnectionString,
        ["Demo__Password"] = DemoPassword,
        ["Demo__Days"] = "3",
        ["Demo__Customers"] = "300",
        ["Demo__CallsPerDay"] = "5000",
        ["Demo__EventHours"] = "1",
        ["Ingestion__ApiKeys__0"] = Key,
        ["Subscriptions__ClockInterval"] = "00:00:01",
    };

    public async ValueTask DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
        _database.Dispose();
        _homes.Dispose();
    }

    public HttpClient Client(AppProcess instance)
    {
        var client = new HttpClient { BaseAddress = new Uri(instance.BaseUrl) };
        client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        return client;
    }

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A customer of the demo data with an SME-BIZ subscription, as the ingestion API names it.</summary>
    public async Task<(string Customer, int CustomerId, string Region, string Industry)> SubjectAsync(int skip = 0)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT c."Code", c."Id", c."RegionCode", c."IndustryCode" FROM "Subscriptions" s JOIN "Customers" c ON c."Id" = s."CustomerId"
            JOIN "Packages" p ON p."Id" = s."PackageId" WHERE p."Code" = 'SME-BIZ' AND s."Status" = 'Active' ORDER BY c."Id" LIMIT 1 OFFSET @skip
            """, connection);
        command.Parameters.AddWithValue("skip", skip);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3));
    }

    public static JsonObject Event(string id, (string Customer, int CustomerId, string Region, string Industry) subject, long inputTokens, string package = "SME-BIZ") => new()
    {
        ["id"] = id, ["timestamp"] = DateTimeOffset.UtcNow.AddSeconds(-5).ToString("O"), ["customer"] = subject.Customer, ["package"] = package,
        ["model"] = "deepseek-v3", ["region"] = subject.Region, ["industry"] = subject.Industry, ["inputTokens"] = inputTokens, ["outputTokens"] = 0,
    };

    /// <summary>What each instance's <c>/health/ready</c> says of the job lease.</summary>
    public static async Task<string?> JobsAsync(AppProcess instance)
    {
        using var http = new HttpClient { BaseAddress = new Uri(instance.BaseUrl), Timeout = TimeSpan.FromSeconds(5) };
        var body = JsonNode.Parse(await http.GetStringAsync("/health/ready"))!;
        return (string?)body["checks"]!.AsArray().Single(c => (string?)c!["name"] == "jobs")!["description"];
    }
}

/// <summary>Exactly once, cookies, caches and live pages across two instances on one PostgreSQL database.</summary>
public sealed class SeveralInstancesTests(TwoInstances instances) : IClassFixture<TwoInstances>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_same_events_sent_to_both_at_once_are_stored_and_counted_once()
    {
        var subject = await instances.SubjectAsync();
        const long tokens = 1000;
        var tokensBefore = await instances.ScalarAsync<long>("""SELECT COALESCE(SUM("Tokens"), 0)::bigint FROM "CustomerDailyUsage" WHERE "CustomerId" = @c""", ("c", subject.CustomerId));
        var ids = Enumerable.Range(0, 10_000).Select(i => $"twice-{i}-{Guid.NewGuid():N}").ToList();
        var batches = ids.Chunk(500).Select(chunk => new JsonObject { ["events"] = new JsonArray([.. chunk.Select(id => (JsonNode)TwoInstances.Event(id, subject, tokens))]) }).ToList();
        using var first = instances.Client(instances.First);
        using var second = instances.Client(instances.Second);

        // Every batch to both instances at the same moment, all batches at once.
        var answers = await Task.WhenAll(batches.SelectMany(batch => new[] { first, second }.Select(async client =>
        {
            using var response = await client.PostAsJsonAsync("/api/v1/usage/events", batch, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
            return JsonNode.Parse(text)!;
        })));

        Assert.Equal(10_000, answers.Sum(a => (int)a["accepted"]!));
        Assert.Equal(10_000, answers.Sum(a => (int)a["duplicates"]!));
        Assert.Equal(10_000L, await instances.ScalarAsync<long>("""SELECT count(*) FROM "UsageEvents" WHERE "EventId" = ANY(@ids)""", ("ids", ids.ToArray())));
        var tokensAfter = await instances.ScalarAsync<long>("""SELECT COALESCE(SUM("Tokens"), 0)::bigint FROM "CustomerDailyUsage" WHERE "CustomerId" = @c""", ("c", subject.CustomerId));
        Assert.Equal(10_000 * tokens, tokensAfter - tokensBefore);
    }

    [Fact]
    public async Task A_bucket_one_instance_emptied_is_empty_for_the_other_too()
    {
        // A customer of its own (the others' tests draw on the first one's buckets).
        var subject = await instances.SubjectAsync(skip: 1);
        const string overdrawn = """SELECT count(*) FROM "AllowanceBuckets" WHERE "CustomerId" = @c AND "Used" > "Included" """;
        const string left = """SELECT COALESCE(SUM("Included" - "Used"), 0)::bigint FROM "AllowanceBuckets" WHERE "CustomerId" = @c AND "ValidFrom" <= @now AND "ValidTo" > @now""";
        var now = DateTimeOffset.UtcNow.UtcTicks;
        Assert.True(await instances.ScalarAsync<long>(left, ("c", subject.CustomerId), ("now", now)) > 0, "the subject has an allowance left to draw");
        using var first = instances.Client(instances.First);
        using var second = instances.Client(instances.Second);

        // The first instance's event is larger than all that is left: it empties the buckets. The second instance loaded
        // them before; without reading them again in its turn it would draw what it remembers a second time.
        foreach (var client in new[] { first, second })
        {
            var answer = await PostAsync(client, TwoInstances.Event(Guid.NewGuid().ToString(), subject, UsageValidator.MaxTokensPerEvent));
            Assert.Equal(1, (int)answer["accepted"]!);
        }
        Assert.Equal(0L, await instances.ScalarAsync<long>(overdrawn, ("c", subject.CustomerId)));
        Assert.Equal(0L, await instances.ScalarAsync<long>(left, ("c", subject.CustomerId), ("now", DateTimeOffset.UtcNow.UtcTicks)));
    }

    [Fact]
    public async Task An_order_sent_to_both_at_once_makes_one_subscription_and_both_take_its_usage_at_once()
    {
        var code = "TWO" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await instances.ScalarAsync<int>("""
            INSERT INTO "Customers" ("Code", "Name", "NameZh", "Segment", "RegionCode", "IndustryCode", "Status", "CreatedAt", "Version")
            SELECT @code, @code, @code, 'Sme', (SELECT min("Code") FROM "Regions"), (SELECT min("Code") FROM "Industries"), 'Active', 0, 1 RETURNING "Id"
            """, ("code", code));
        var customerId = await instances.ScalarAsync<int>("""SELECT "Id" FROM "Customers" WHERE "Code" = @code""", ("code", code));
        var region = await instances.ScalarAsync<string>("""SELECT min("Code") FROM "Regions" """);
        var industry = await instances.ScalarAsync<string>("""SELECT min("Code") FROM "Industries" """);
        var subject = (code, customerId, region, industry);
        using var first = instances.Client(instances.First);
        using var second = instances.Client(instances.Second);
        // Before the order neither instance takes the customer's usage of the package.
        foreach (var client in new[] { first, second })
        {
            var refused = await PostAsync(client, TwoInstances.Event(Guid.NewGuid().ToString(), subject, 10));
            Assert.Equal(0, (int)(refused["accepted"] ?? 0));
        }

        var order = new { clientRequestId = "two-" + Guid.NewGuid().ToString("N"), customerCode = code, packageCode = "SME-BIZ" };
        var answers = await Task.WhenAll(new[] { first, second }.Select(client => client.PostAsJsonAsync("/api/v1/subscriptions", order, Ct)));
        var statuses = answers.Select(a => a.StatusCode).ToList();
        Assert.Contains(HttpStatusCode.Created, statuses);
        // The other is the replay of the same order (200) or, in the instant both wrote, a refused duplicate to retry (409).
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Conflict }));
        var retry = await second.PostAsJsonAsync("/api/v1/subscriptions", order, Ct);
        Assert.True(retry.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created, await retry.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1L, await instances.ScalarAsync<long>("""SELECT count(*) FROM "Subscriptions" WHERE "CustomerId" = @c""", ("c", customerId)));

        // The instance that did not take the order hears of it (LISTEN/NOTIFY), well before the 30 s reload.
        var stopwatch = Stopwatch.StartNew();
        foreach (var client in new[] { first, second })
        {
            while (true)
            {
                var answer = await PostAsync(client, TwoInstances.Event(Guid.NewGuid().ToString(), subject, 10));
                if ((int)(answer["accepted"] ?? 0) == 1)
                {
                    break;
                }
                Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"{client.BaseAddress} still refuses the new subscription's usage: {answer.ToJsonString()}");
                await Task.Delay(100, Ct);
            }
        }
    }

    [Fact]
    public async Task A_cookie_from_one_instance_is_taken_by_the_other_whose_heatmap_shows_usage_ingested_on_the_first_within_5_s()
    {
        // Only this test drives a browser: launched here, not for each test of the class.
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleServer.LaunchChromiumAsync(playwright);
        var signIn = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = instances.First.BaseUrl, ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        var page = await signIn.NewPageAsync();
        await page.SignInAsync("ops", instances.DemoPassword);
        var cookies = await signIn.StorageStateAsync();

        // The same browser state against the second instance: no sign-in page, the heatmap as the same person.
        var other = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = instances.Second.BaseUrl, ViewportSize = new ViewportSize { Width = 1600, Height = 1000 }, StorageState = cookies,
        });
        var heatmap = await other.NewPageAsync();
        await heatmap.GotoAsync("/consumption");
        Assert.DoesNotContain("/account/login", heatmap.Url, StringComparison.Ordinal);
        await heatmap.WaitForInteractiveAsync();
        await Assertions.Expect(heatmap.GetByTestId("heatmap").Locator("rect.apexcharts-heatmap-rect")).ToHaveCountAsync(31 * 15);
        var before = await heatmap.GetByTestId("total-tokens-value").InnerTextAsync();

        var subject = await instances.SubjectAsync();
        using var first = instances.Client(instances.First);
        var batch = new JsonObject
        {
            ["events"] = new JsonArray(
                TwoInstances.Event(Guid.NewGuid().ToString(), subject, UsageValidator.MaxTokensPerEvent),
                TwoInstances.Event(Guid.NewGuid().ToString(), subject, UsageValidator.MaxTokensPerEvent)),
        };
        var response = await first.PostAsJsonAsync("/api/v1/usage/events", batch, Ct);
        response.EnsureSuccessStatusCode();
        await Assertions.Expect(heatmap.GetByTestId("total-tokens-value")).Not.ToHaveTextAsync(before, new() { Timeout = 5_000 });
        await heatmap.ScreenshotAsync("two-instances-heatmap-on-the-second");
        await signIn.CloseAsync();
        await other.CloseAsync();
    }

    private static async Task<JsonNode> PostAsync(HttpClient client, JsonObject e)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/usage/events", new JsonObject { ["events"] = new JsonArray(e) }, Ct);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
    }
}

/// <summary>The background jobs on exactly one of two instances, and on the other once the first is killed.</summary>
public sealed class JobRunnerTests(TwoInstances instances) : IClassFixture<TwoInstances>
{
    [Fact]
    public async Task One_instance_runs_the_jobs_and_when_it_is_killed_the_other_takes_them_over()
    {
        var ct = TestContext.Current.CancellationToken;
        // Exactly one runner, looked at over a few seconds (several lease checks).
        AppProcess? runner = null;
        for (var i = 0; i < 5; i++)
        {
            var first = await TwoInstances.JobsAsync(instances.First);
            var second = await TwoInstances.JobsAsync(instances.Second);
            Assert.Equal(1, new[] { first, second }.Count(d => d == JobLeaseHealthCheck.Runner));
            Assert.Equal(1, new[] { first, second }.Count(d => d == JobLeaseHealthCheck.Standby));
            var now = first == JobLeaseHealthCheck.Runner ? instances.First : instances.Second;
            Assert.True(runner is null || runner == now, "the job lease moved between two instances that both stayed up");
            runner = now;
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
        var standby = runner == instances.First ? instances.Second : instances.First;

        // kill -9: no shutdown code, no lease released by hand; the server ends the session when the socket closes.
        await runner!.KillAsync();
        var stopwatch = Stopwatch.StartNew();
        while (await TwoInstances.JobsAsync(standby) != JobLeaseHealthCheck.Runner)
        {
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), "the standby did not take the job lease over within 15 s");
            await Task.Delay(200, ct);
        }

        // And it does the jobs: a subscription whose end has passed is closed by its subscription clock.
        var id = await instances.ScalarAsync<int>("""SELECT min("Id") FROM "Subscriptions" WHERE "Status" = 'Active'""");
        await instances.ScalarAsync<int>("""UPDATE "Subscriptions" SET "EndsAt" = @ended WHERE "Id" = @id RETURNING "Id" """,
            ("ended", DateTimeOffset.UtcNow.AddMinutes(-1).UtcTicks), ("id", id));
        stopwatch.Restart();
        while (await instances.ScalarAsync<string>("""SELECT "Status" FROM "Subscriptions" WHERE "Id" = @id""", ("id", id)) != "Cancelled")
        {
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), "the new runner's subscription clock did not close the ended subscription within 15 s");
            await Task.Delay(200, ct);
        }
    }
}
