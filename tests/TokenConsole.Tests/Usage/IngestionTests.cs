using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Usage.Ingestion;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Usage;

/// <summary>The writer binding rows through SQLite's C functions directly (<c>Ingestion:NativeBinding</c>, the default).</summary>
public sealed class NativeBindingIngestionTests(ConsoleFactory factory) : IngestionTests(factory), IClassFixture<ConsoleFactory>
{
    protected override bool NativeBinding => true;
}

/// <summary>The same tests with <c>Ingestion:NativeBinding=false</c>: the writer binds through SQLitePCL alone.</summary>
public sealed class PlainBindingIngestionTests(PlainBindingConsole console) : IngestionTests(console.Factory), IClassFixture<PlainBindingConsole>
{
    protected override bool NativeBinding => false;
}

/// <summary>A console of its own with the writer on the plain SQLitePCL path.</summary>
public sealed class PlainBindingConsole : IAsyncDisposable
{
    public PlainBindingConsole() => Factory.Settings["Ingestion:NativeBinding"] = "false";

    public ConsoleFactory Factory { get; } = new();

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

/// <summary>Ingestion end to end, run once on each of the writer's two ways of binding rows.</summary>
public abstract class IngestionTests(ConsoleFactory factory)
{
    protected abstract bool NativeBinding { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static DateTimeOffset Now => DateTimeOffset.UtcNow.AddMinutes(-1);

    private TokenConsoleDbContext Db() => factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContext();

    private static string NewId() => "t-" + Guid.NewGuid().ToString("N");

    [Fact]
    public void The_writer_binds_rows_on_the_path_the_option_chose() =>
        Assert.Equal(NativeBinding, factory.Services.GetRequiredService<UsageWriter>().NativeBinding);

    [Fact]
    public async Task Valid_events_are_stored_rated_and_added_to_every_rollup_once()
    {
        var subject = await IngestionSubject.FindAsync(factory);
        var at = Now;
        var hour = new DateTime(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerHour, DateTimeKind.Utc);
        var day = BusinessCalendar.DayStartUtc(at.UtcDateTime);
        var before = await TotalsAsync(subject, hour, day);
        var bucketsBefore = await BucketTokensAsync(subject, day);

        using var client = IngestionClient.Create(factory);
        var ids = new[] { NewId(), NewId(), NewId() };
        var result = await IngestionClient.ResultAsync(await IngestionClient.PostAsync(client,
            subject.Event(ids[0], at, 1000, 500), subject.Event(ids[1], at, 2000, 0), subject.Event(ids[2], at, 0, 250)));

        Assert.Equal(3, (int)result["accepted"]!);
        Assert.Equal(0, (int)result["duplicates"]!);
        Assert.Equal(0, (int)result["rejected"]!);
        var after = await TotalsAsync(subject, hour, day);
        Assert.Equal(before.HourTokens + 3750, after.HourTokens);
        Assert.Equal(before.HourCalls + 3, after.HourCalls);
        Assert.Equal(before.DayCellTokens + 3750, after.DayCellTokens);
        Assert.Equal(before.CustomerDayTokens + 3750, after.CustomerDayTokens);

        await using var db = Db();
        var stored = await db.UsageEvents.Where(e => ids.Contains(e.EventId)).ToListAsync(Ct);
        Assert.Equal(3, stored.Count);
        // SME Business includes 800M billable tokens a month (deepseek-v3 ×1): these 3,750 are drawn from the subscription's
        // allowance and earn nothing as usage (issue 13: the fee pays for them); they still cost their compute.
        Assert.All(stored, e => Assert.True(e.RevenueMicros == 0 && e.ComputeCostMicros > 0));
        Assert.Equal(after.HourRevenue - before.HourRevenue, stored.Sum(e => e.RevenueMicros));
        var bucketsAfter = await BucketTokensAsync(subject, day);
        Assert.Equal((bucketsBefore.Used + 3750, bucketsBefore.Rolled + 3750), (bucketsAfter.Used, bucketsAfter.Rolled));
    }

    /// <summary>What the subject's allowance and rollover buckets have used, and the billable tokens the day's customer rollup put in buckets.</summary>
    private async Task<(decimal Used, decimal Rolled)> BucketTokensAsync(IngestionSubject s, DateTime day)
    {
        await using var db = Db();
        var used = (await db.AllowanceBuckets.Where(b => b.CustomerId == s.CustomerId && b.Kind != TokenConsole.Features.Customers.BucketKind.TopUp).ToListAsync(Ct)).Sum(b => b.Used);
        var rolled = (await db.CustomerDailyUsage.Where(r => r.Day == day && r.CustomerId == s.CustomerId).ToListAsync(Ct)).Sum(r => r.BucketTokens);
        return (used, rolled);
    }

    [Fact]
    public async Task A_retried_event_is_a_duplicate_within_a_batch_and_across_batches_and_is_counted_once()
    {
        var subject = await IngestionSubject.FindAsync(factory, skip: 1);
        var at = Now;
        var hour = new DateTime(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerHour, DateTimeKind.Utc);
        var before = await TotalsAsync(subject, hour, BusinessCalendar.DayStartUtc(at.UtcDateTime));
        using var client = IngestionClient.Create(factory);
        var id = NewId();

        var first = await IngestionClient.ResultAsync(await IngestionClient.PostAsync(client, subject.Event(id, at, 100, 0), subject.Event(id, at, 100, 0)));
        Assert.Equal(1, (int)first["accepted"]!);
        Assert.Equal(1, (int)first["duplicates"]!);

        // The gateway did not hear the answer and sends the same batch again.
        var retry = await IngestionClient.ResultAsync(await IngestionClient.PostAsync(client, subject.Event(id, at, 100, 0), subject.Event(NewId(), at, 7, 0)));
        Assert.Equal(1, (int)retry["accepted"]!);
        Assert.Equal(1, (int)retry["duplicates"]!);

        var after = await TotalsAsync(subject, hour, BusinessCalendar.DayStartUtc(at.UtcDateTime));
        Assert.Equal(before.HourTokens + 107, after.HourTokens);
        Assert.Equal(before.HourCalls + 2, after.HourCalls);
    }

    public static TheoryData<string, string> BadEvents() => new()
    {
        // what is wrong with the event, the field the error must name
        { "missing id", "id" },
        { "id longer than 128 characters", "id" },
        { "missing timestamp", "timestamp" },
        { "timestamp that is not a date", "timestamp" },
        { "timestamp in the future", "timestamp" },
        { "timestamp older than the accepted window", "timestamp" },
        { "missing customer", "customer" },
        { "unknown customer", "customer" },
        { "unknown package", "package" },
        { "package the customer does not hold", "package" },
        { "unknown model", "model" },
        { "model the package does not entitle", "model" },
        { "unknown region", "region" },
        { "missing industry", "industry" },
        { "negative input tokens", "inputTokens" },
        { "missing output tokens", "outputTokens" },
        { "absurd token count", "outputTokens" },
        { "unknown pool", "pool" },
        { "null event", "event" },
    };

    [Theory]
    [MemberData(nameof(BadEvents))]
    public async Task A_bad_event_is_rejected_with_its_field_and_the_valid_ones_of_the_batch_are_accepted(string kind, string field)
    {
        var subject = await IngestionSubject.FindAsync(factory, skip: 2);
        var good = subject.Event(NewId(), Now);
        var bad = Break(subject.Event(NewId(), Now), kind);
        using var client = IngestionClient.Create(factory);

        var result = await IngestionClient.ResultAsync(await IngestionClient.PostAsync(client, good, bad));

        Assert.Equal(1, (int)result["accepted"]!);
        Assert.Equal(1, (int)result["rejected"]!);
        var error = result["errors"]![0]!;
        Assert.Equal(1, (int)error["index"]!);
        Assert.Equal(field, (string)error["field"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["message"]));
    }

    private static JsonObject? Break(JsonObject e, string kind)
    {
        switch (kind)
        {
            case "missing id": e.Remove("id"); break;
            case "id longer than 128 characters": e["id"] = new string('x', 129); break;
            case "missing timestamp": e.Remove("timestamp"); break;
            case "timestamp that is not a date": e["timestamp"] = "yesterday at noon"; break;
            case "timestamp in the future": e["timestamp"] = DateTimeOffset.UtcNow.AddHours(2).ToString("O"); break;
            case "timestamp older than the accepted window": e["timestamp"] = DateTimeOffset.UtcNow.AddDays(-31).ToString("O"); break;
            case "missing customer": e.Remove("customer"); break;
            case "unknown customer": e["customer"] = "C99999"; break;
            case "unknown package": e["package"] = "NO-SUCH-PACKAGE"; break;
            case "package the customer does not hold": e["package"] = "IND-FIN"; break;
            case "unknown model": e["model"] = "gpt-imaginary"; break;
            case "model the package does not entitle": e["model"] = "ernie-4.0-turbo-8k"; break;
            case "unknown region": e["region"] = "CN-HK"; break;
            case "missing industry": e.Remove("industry"); break;
            case "negative input tokens": e["inputTokens"] = -1; break;
            case "missing output tokens": e.Remove("outputTokens"); break;
            case "absurd token count": e["outputTokens"] = 5_000_000_000L; break;
            case "unknown pool": e["pool"] = "atlantis-1"; break;
            case "null event": return null;
            default: throw new ArgumentException(kind);
        }
        return e;
    }

    [Theory]
    [InlineData("not JSON", "this is not json", HttpStatusCode.BadRequest)]
    [InlineData("empty body", "", HttpStatusCode.BadRequest)]
    [InlineData("JSON without events", "{\"items\":[]}", HttpStatusCode.BadRequest)]
    [InlineData("events that is not an array", "{\"events\":{}}", HttpStatusCode.BadRequest)]
    [InlineData("token count of the wrong type", "{\"events\":[{\"id\":\"x\",\"inputTokens\":\"many\"}]}", HttpStatusCode.BadRequest)]
    [InlineData("truncated JSON", "{\"events\":[{\"id\":\"x\"", HttpStatusCode.BadRequest)]
    public async Task A_bad_body_gets_a_problem_response_and_stores_nothing(string kind, string body, HttpStatusCode expected)
    {
        using var client = IngestionClient.Create(factory);
        var response = await client.PostAsync("/api/v1/usage/events", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrEmpty(kind));
    }

    [Fact]
    public async Task More_events_than_allowed_in_one_request_get_413()
    {
        var subject = await IngestionSubject.FindAsync(factory);
        using var client = IngestionClient.Create(factory);
        var events = Enumerable.Range(0, 5001).Select(_ => (JsonNode?)subject.Event(NewId(), Now)).ToArray();
        var response = await IngestionClient.PostAsync(client, events);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_body_over_the_size_limit_gets_413()
    {
        using var client = IngestionClient.Create(factory);
        var body = new StringContent("{\"events\":[\"" + new string('x', 9 * 1024 * 1024) + "\"]}", Encoding.UTF8, "application/json");
        var response = await client.PostAsync("/api/v1/usage/events", body, Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-key")]
    public async Task A_missing_or_wrong_key_gets_401(string? key)
    {
        using var client = IngestionClient.Create(factory, key);
        var response = await IngestionClient.PostAsync(client, new JsonObject());
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_key_created_in_the_admin_area_works_until_it_is_revoked_and_only_its_hash_is_stored()
    {
        var keys = factory.Services.GetRequiredService<ApiKeyService>();
        var (key, secret) = await keys.CreateAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, Roles.Administrator)], "test")), "Gateway " + Guid.NewGuid().ToString("N")[..6], [ApiScopes.UsageWrite], Ct).OkAsync();
        var subject = await IngestionSubject.FindAsync(factory);
        using (var client = IngestionClient.Create(factory, secret))
        {
            Assert.Equal(HttpStatusCode.OK, (await IngestionClient.PostAsync(client, subject.Event(NewId(), Now))).StatusCode);
        }
        await using (var db = Db())
        {
            var stored = await db.ApiKeys.SingleAsync(k => k.Id == key.Id, Ct);
            Assert.NotEqual(secret, stored.KeyHash);
            Assert.Equal(ApiKeyService.Hash(secret), stored.KeyHash);
            Assert.DoesNotContain(await db.AuditEntries.Select(a => a.AfterJson ?? "").ToListAsync(Ct), json => json.Contains(secret, StringComparison.Ordinal));
        }

        await keys.RevokeAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, Roles.Administrator)], "test")), key.Id, Ct).OkAsync();
        using (var client = IngestionClient.Create(factory, secret))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await IngestionClient.PostAsync(client, subject.Event(NewId(), Now))).StatusCode);
        }
        await using (var db = Db())
        {
            Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.EntityType == "ApiKey" && a.EntityId == key.Id.ToString(), Ct));
        }
    }

    [Fact]
    public async Task Every_stored_hour_of_rollups_equals_the_sum_of_its_events()
    {
        await using var db = Db();
        var from = DateTime.UtcNow.AddHours(-3);
        var hourStart = new DateTime(from.Ticks - from.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);
        var events = await db.UsageEvents.AsNoTracking().Where(e => e.Timestamp >= new DateTimeOffset(hourStart)).ToListAsync(Ct);
        var rollups = await db.UsageRollups.AsNoTracking().Where(r => r.Hour >= hourStart).ToListAsync(Ct);
        Assert.NotEmpty(events);
        Assert.Equal(events.Sum(e => e.InputTokens + e.OutputTokens), rollups.Sum(r => r.InputTokens + r.OutputTokens));
        Assert.Equal(events.Count, rollups.Sum(r => r.Calls));
        Assert.Equal(events.Sum(e => e.RevenueMicros), rollups.Sum(r => r.RevenueMicros));
    }

    [Fact]
    public async Task The_reports_package_by_model_days_and_months_are_the_sums_of_the_hourly_and_daily_rollups()
    {
        // The demo's history (written by the seeder) and events of today and of two days ago (written by the writer).
        var subject = await IngestionSubject.FindAsync(factory, skip: 2);
        using var client = IngestionClient.Create(factory);
        var result = await IngestionClient.ResultAsync(await IngestionClient.PostAsync(client,
            subject.Event(NewId(), Now, 1000, 500), subject.Event(NewId(), Now.AddDays(-2), 7, 3)));
        Assert.Equal(2, (int)result["accepted"]!);
        await using var db = Db();
        var hourly = await db.UsageRollups.AsNoTracking().ToListAsync(Ct);
        var expected = hourly.GroupBy(r => (Day: BusinessCalendar.DayStartUtc(r.Hour), r.PackageId, r.ModelId))
            .ToDictionary(g => g.Key, g => (Tokens: g.Sum(r => r.InputTokens + r.OutputTokens), Calls: g.Sum(r => r.Calls), Revenue: g.Sum(r => r.RevenueMicros), Cost: g.Sum(r => r.ComputeCostMicros)));
        // Model 0 holds fees, which no hourly rollup carries.
        var stored = (await db.PackageModelDaily.AsNoTracking().Where(r => r.ModelId != 0).ToListAsync(Ct))
            .ToDictionary(r => (r.Day, r.PackageId, r.ModelId), r => (r.Tokens, r.Calls, Revenue: r.RevenueMicros, Cost: r.ComputeCostMicros));
        Assert.NotEmpty(expected);
        Assert.Equal(expected.OrderBy(e => e.Key), stored.OrderBy(e => e.Key));

        // The customer months are the customer days' sums (their usage columns; fees come from the recognizer).
        var days = await db.CustomerDailyUsage.AsNoTracking().ToListAsync(Ct);
        var months = days.GroupBy(d => (Month: BusinessCalendar.MonthStartUtc(d.Day), d.CustomerId))
            .ToDictionary(g => g.Key, g => (Tokens: g.Sum(d => d.Tokens), Revenue: g.Sum(d => d.RevenueMicros), Cost: g.Sum(d => d.ComputeCostMicros)));
        var storedMonths = (await db.CustomerMonthly.AsNoTracking().Where(m => m.Tokens != 0 || m.RevenueMicros != 0 || m.ComputeCostMicros != 0).ToListAsync(Ct))
            .ToDictionary(m => (m.Month, m.CustomerId), m => (m.Tokens, Revenue: m.RevenueMicros, Cost: m.ComputeCostMicros));
        Assert.Equal(months.Where(m => m.Value != default).OrderBy(m => m.Key), storedMonths.OrderBy(m => m.Key));

        // The region × industry months are the days' sums, usage and fees alike.
        var cellDays = await db.RegionIndustryDaily.AsNoTracking().ToListAsync(Ct);
        var cellMonths = cellDays.GroupBy(d => (Month: BusinessCalendar.MonthStartUtc(d.Day), d.RegionCode, d.IndustryCode))
            .ToDictionary(g => g.Key, g => (g.Sum(d => d.Tokens), g.Sum(d => d.Calls), g.Sum(d => d.RevenueMicros), g.Sum(d => d.ComputeCostMicros), g.Sum(d => d.FeeMicros), g.Sum(d => d.TopUpMicros), g.Sum(d => d.CreditMicros)));
        var storedCellMonths = (await db.RegionIndustryMonthly.AsNoTracking().ToListAsync(Ct))
            .ToDictionary(m => (m.Month, m.RegionCode, m.IndustryCode), m => (m.Tokens, m.Calls, m.RevenueMicros, m.ComputeCostMicros, m.FeeMicros, m.TopUpMicros, m.CreditMicros));
        Assert.Equal(cellMonths.OrderBy(m => m.Key), storedCellMonths.OrderBy(m => m.Key));

        // The region × industry hours are the hourly rollups' sums over models, packages and pools.
        var cellHours = hourly.GroupBy(r => (r.Hour, r.RegionCode, r.IndustryCode))
            .ToDictionary(g => g.Key, g => (g.Sum(r => r.InputTokens + r.OutputTokens), g.Sum(r => r.Calls), g.Sum(r => r.RevenueMicros), g.Sum(r => r.ComputeCostMicros)));
        var storedCellHours = (await db.RegionIndustryHourly.AsNoTracking().ToListAsync(Ct))
            .ToDictionary(h => (h.Hour, h.RegionCode, h.IndustryCode), h => (h.Tokens, h.Calls, h.RevenueMicros, h.ComputeCostMicros));
        Assert.Equal(cellHours.OrderBy(h => h.Key), storedCellHours.OrderBy(h => h.Key));
    }

    private async Task<(long HourTokens, long HourCalls, long HourRevenue, long DayCellTokens, long CustomerDayTokens)> TotalsAsync(IngestionSubject s, DateTime hour, DateTime day)
    {
        await using var db = Db();
        var hourly = await db.UsageRollups.Where(r => r.Hour == hour && r.RegionCode == s.Region && r.IndustryCode == s.Industry).ToListAsync(Ct);
        var cell = await db.RegionIndustryDaily.Where(r => r.Day == day && r.RegionCode == s.Region && r.IndustryCode == s.Industry).SumAsync(r => r.Tokens, Ct);
        var customer = await db.CustomerDailyUsage.Where(r => r.Day == day && r.CustomerId == s.CustomerId).SumAsync(r => r.Tokens, Ct);
        return (hourly.Sum(r => r.InputTokens + r.OutputTokens), hourly.Sum(r => r.Calls), hourly.Sum(r => r.RevenueMicros), cell, customer);
    }
}
