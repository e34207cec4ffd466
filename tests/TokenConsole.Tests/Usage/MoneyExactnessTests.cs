using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Data;
using TokenConsole.Features.Pricing;
using TokenConsole.Features.Usage;
using TokenConsole.Features.Usage.Ingestion;

namespace TokenConsole.Tests.Usage;

/// <summary>
/// Issue 11: a million events rated by the real engine and written by the real writer into a real SQLite file add up,
/// in the events and in every rollup, to the micro-yuan of an independent exact computation.
/// </summary>
public sealed class MoneyExactnessTests
{
    private const int Events = 1_000_000;
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 4, 0, 0, TimeSpan.Zero);
    private static readonly string[] Regions = ["CN-GD", "CN-BJ", "CN-SH", "CN-ZJ", "CN-SC"];
    private static readonly string[] Industries = ["finance", "retail", "government", "manufacturing"];

    // Prices with six decimals and a package whose unit price has no finite binary form: what a double cannot hold.
    private static readonly (int Id, decimal Unit, decimal Overage, long Included)[] Packages =
    [
        (1, 2.49875m, 3.123457m, 40_000_000), (2, 0.1m, 0.3m, 5_000_000), (3, 17.777777m, 21.000001m, 200_000_000),
    ];
    private static readonly (int Id, decimal In, decimal Out)[] Models = [(1, 0.333333m, 1.666667m), (2, 4.1m, 12.300001m), (3, 0.000001m, 0.7m)];
    private static readonly decimal[] Multipliers = [1m, 1.5m, 2.25m];

    private sealed record Expected(long Revenue, long Cost);

    [Fact]
    public async Task A_million_rated_events_sum_to_the_micro_yuan_in_the_events_and_in_every_rollup()
    {
        var ct = TestContext.Current.CancellationToken;
        using var database = new TestDatabase();
        var book = new PriceBookProvider(null!);
        book.Replace(new PriceBook(
            Packages.ToFrozenDictionary(p => p.Id, p => new PriceBook.PackagePrices(p.Id, p.Id, p.Unit, p.Overage, p.Included,
                Models.ToFrozenDictionary(m => m.Id, m => Multipliers[m.Id - 1]))),
            Models.ToFrozenDictionary(m => m.Id, m => new PriceBook.ModelCosts(m.In, m.Out))));
        var ruleSets = new RuleSetProvider(database, NullLogger<RuleSetProvider>.Instance);
        // One rule on top of the base price: -12.5 % in Guangdong, which turns many exact amounts into half micro-yuan.
        ruleSets.Replace(new RuleSetEngine(1, [new PriceRule
        {
            Name = "gd-off", Scope = new PriceRuleScope { RegionCodes = ["CN-GD"] }, Effect = PriceEffectKind.Percentage, Value = -12.5m,
            Stacking = StackingPolicy.Stacks,
        }], FrozenDictionary<int, FrozenSet<long>>.Empty, null));
        var writer = new UsageWriter(database, new RulesRatingEngine(book, ruleSets), book, new UsageNotifier(), new FakeTimeProvider(Now),
            Options.Create(new IngestionOptions()), new UsageWriterHealth(), NullLogger<UsageWriter>.Instance);

        var events = Generate();
        var expected = Independently(events);
        await writer.StartAsync(ct);
        try
        {
            const int batch = 5_000;
            var pending = new List<Task<WriteOutcome>>();
            var accepted = 0;
            for (var i = 0; i < events.Length; i += batch)
            {
                Task<WriteOutcome> completion;
                while (!writer.TryEnqueue(new ArraySegment<ValidUsageEvent>(events, i, Math.Min(batch, events.Length - i)), out completion))
                {
                    // The queue is full: wait for what is in it, as the API answers 429 and the gateway retries.
                    accepted += (await Task.WhenAll(pending)).Sum(o => o.Accepted);
                    pending.Clear();
                }
                pending.Add(completion);
            }
            accepted += (await Task.WhenAll(pending)).Sum(o => o.Accepted);
            Assert.Equal(Events, accepted);
        }
        finally
        {
            await writer.StopAsync(ct);
        }

        long expectedRevenue = expected.Sum(e => e.Revenue), expectedCost = expected.Sum(e => e.Cost);
        await using var raw = database.CreateDbContext();
        var connection = raw.Database.GetDbConnection();
        connection.Open();
        var postgres = database.Provider == DatabaseProvider.PostgreSQL;
        Assert.Equal(Events, Scalar(connection, """SELECT COUNT(*) FROM "UsageEvents" """));
        // Each stored event is its own exact price rounded once to the µ¥, not only the totals.
        Assert.Equal(0, Mismatches(connection, events, expected));
        foreach (var table in new[] { "UsageEvents", "UsageRollups", "RegionIndustryDaily", "CustomerDailyUsage" })
        {
            Assert.Equal((expectedRevenue, expectedCost), (Scalar(connection, $"""SELECT SUM("RevenueMicros") FROM "{table}" """), Scalar(connection, $"""SELECT SUM("ComputeCostMicros") FROM "{table}" """)));
            Assert.Equal(postgres ? "bigint" : "integer", TypeOf(connection, table, postgres));
        }
        // The sum is large enough that a double in yuan could not carry it to the micro-yuan (≥ 2⁵³ µ¥ would not be needed:
        // at this size a double's step is above 10⁻⁸ CNY, and a million additions drift by more than a µ¥).
        Assert.True(expectedRevenue > 10_000_000_000_000L, $"total {expectedRevenue} µ¥");
    }

    /// <summary>Events spread over the first 19 days of November (one Beijing month).</summary>
    private static ValidUsageEvent[] Generate()
    {
        var random = new Random(11);
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var span = (Now - start - TimeSpan.FromHours(1)).Ticks;
        var events = new ValidUsageEvent[Events];
        for (var i = 0; i < Events; i++)
        {
            // In ascending time: the writer and this test then see each customer's month in the same order.
            var at = start.AddTicks(span / Events * i);
            var package = 1 + random.Next(Packages.Length);
            events[i] = new ValidUsageEvent($"x-{i:D7}", at, 1 + random.Next(500), CustomerSegment.Sme, package, 1 + random.Next(Models.Length), 1,
                Regions[random.Next(Regions.Length)], Industries[random.Next(Industries.Length)], random.Next(0, 3_000_000), random.Next(1, 800_000));
        }
        return events;
    }

    /// <summary>
    /// The price of each event written out again from the pricing rules, in decimal, rounded once, half away from zero.
    /// These customers hold no subscription (no bucket): every billable token is pay-as-you-go at the overage price.
    /// </summary>
    private static Expected[] Independently(ValidUsageEvent[] events)
    {
        var result = new Expected[events.Length];
        for (var i = 0; i < events.Length; i++)
        {
            var e = events[i];
            var (_, _, overage, _) = Packages[e.PackageId - 1];
            var (_, costIn, costOut) = Models[e.ModelId - 1];
            var billable = (e.InputTokens + e.OutputTokens) * Multipliers[e.ModelId - 1];
            // ¥ per million tokens × tokens / 10⁶ = ¥; × 10⁶ = µ¥.
            var yuan = billable * overage / 1_000_000m;
            if (e.RegionCode == "CN-GD")
            {
                yuan *= 0.875m;
            }

            var costYuan = (e.InputTokens * costIn + e.OutputTokens * costOut) / 1_000_000m;
            result[i] = new Expected((long)Math.Round(yuan * 1_000_000m, MidpointRounding.AwayFromZero),
                (long)Math.Round(costYuan * 1_000_000m, MidpointRounding.AwayFromZero));
        }
        return result;
    }

    private static long Mismatches(System.Data.Common.DbConnection connection, ValidUsageEvent[] events, Expected[] expected)
    {
        var index = new Dictionary<string, int>(events.Length);
        for (var i = 0; i < events.Length; i++)
        {
            index[events[i].EventId] = i;
        }

        using var command = connection.CreateCommand();
        command.CommandText = """SELECT "EventId", "RevenueMicros", "ComputeCostMicros" FROM "UsageEvents" """;
        using var reader = command.ExecuteReader();
        long mismatches = 0;
        while (reader.Read())
        {
            var e = expected[index[reader.GetString(0)]];
            if (reader.GetInt64(1) != e.Revenue || reader.GetInt64(2) != e.Cost)
            {
                mismatches++;
            }
        }
        return mismatches;
    }

    private static long Scalar(System.Data.Common.DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>What the database stores the amounts as (SQLite's typeof of each value, PostgreSQL's column type): a REAL anywhere would show here.</summary>
    private static string TypeOf(System.Data.Common.DbConnection connection, string table, bool postgres)
    {
        using var command = connection.CreateCommand();
        command.CommandText = postgres
            ? $"""SELECT DISTINCT pg_typeof("RevenueMicros")::text || ',' || pg_typeof("ComputeCostMicros")::text FROM "{table}" """
            : $"""SELECT DISTINCT typeof("RevenueMicros") || ',' || typeof("ComputeCostMicros") FROM "{table}" """;
        var types = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            types.Add(reader.GetString(0));
        }

        return types.SelectMany(t => t.Split(',')).Distinct().Single();
    }
}
