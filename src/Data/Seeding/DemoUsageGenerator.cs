using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;

namespace TokenConsole.Data.Seeding;

/// <summary>
/// Generates the demo usage: every hour a number of "draws" (a customer calling a model a number of times), shaped by
/// a Beijing-time daily profile, weekends, the National Day holiday, the Double 11 shopping festival and steady growth.
/// The most recent hours are expanded into individual usage events and their rollups are summed from those events;
/// older hours go straight into rollups. Rows are written with prepared statements: EF change tracking would take
/// minutes for a million rows, and first start must stay within seconds.
/// </summary>
internal sealed class DemoUsageGenerator
{
    private static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);
    private const int DrawsPerHourAtPeak = 130;

    private readonly DemoOptions _options;
    private readonly Random _random;
    private readonly PoolRouter _router;
    private readonly Dictionary<int, AiModel> _models;
    private readonly Dictionary<CustomerSegment, (Customer[] Customers, double[] Cumulative)> _bySegment;
    private readonly Dictionary<int, (int PackageId, (int ModelId, decimal Multiplier)[] Models, double[] Cumulative, decimal UnitPrice)> _planOf;

    public DemoUsageGenerator(DemoOptions options, Random random, PoolRouter router, List<AiModel> models, List<TokenPackage> packages,
        List<Customer> customers, Dictionary<Customer, double> activity, List<Subscription> subscriptions)
    {
        _options = options;
        _random = random;
        _router = router;
        _models = models.ToDictionary(m => m.Id);
        var packageById = packages.ToDictionary(p => p.Id);
        _planOf = subscriptions.ToDictionary(s => s.CustomerId, s =>
        {
            var version = packageById[s.PackageId].Versions[0];
            var entitled = version.Entitlements.Select(e => (e.ModelId, e.Multiplier)).ToArray();
            // Customers lean on the standard models and use premium (multiplied) ones less.
            var cumulative = DemoDataSeeder.Cumulative(entitled.Select(e => e.Item2 > 1 ? 1.0 : 3.0));
            return (s.PackageId, entitled, cumulative, version.UnitPricePerMTok);
        });
        _bySegment = customers.GroupBy(c => c.Segment).ToDictionary(g => g.Key, g =>
        {
            var list = g.ToArray();
            return (list, DemoDataSeeder.Cumulative(list.Select(c => activity[c])));
        });
    }

    /// <summary>Share of calls per segment at the end of the period.</summary>
    private static readonly (CustomerSegment Segment, double Share)[] SegmentShares =
    [
        (CustomerSegment.Personal, 0.18), (CustomerSegment.Sme, 0.32), (CustomerSegment.LargeEnterprise, 0.38), (CustomerSegment.Government, 0.12),
    ];

    public async Task<(long Rollups, long Events)> WriteAsync(TokenConsoleDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        using var rollupInsert = Prepare(connection, transaction, "UsageRollups",
            "Hour", "RegionCode", "IndustryCode", "ModelId", "PackageId", "PoolId", "InputTokens", "OutputTokens", "Calls", "RevenueMicros", "ComputeCostMicros");
        using var eventInsert = Prepare(connection, transaction, "UsageEvents",
            "EventId", "Timestamp", "CustomerId", "PackageId", "ModelId", "PoolId", "RegionCode", "IndustryCode", "InputTokens", "OutputTokens", "RevenueMicros", "ComputeCostMicros", "IngestedAt");
        using var dailyInsert = Prepare(connection, transaction, "CustomerDailyUsage",
            "Day", "CustomerId", "ModelId", "Tokens", "Calls", "RevenueMicros", "ComputeCostMicros");
        using var cellInsert = Prepare(connection, transaction, "RegionIndustryDaily",
            "Day", "RegionCode", "IndustryCode", "Tokens", "Calls", "RevenueMicros", "ComputeCostMicros");

        var lastHour = new DateTime(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerHour, DateTimeKind.Utc);
        // From midnight Beijing time, so that the first day of the period is a whole day.
        var firstHour = BusinessCalendar.DayStartUtc(lastHour.AddDays(-_options.Days));
        var firstEventHour = lastHour.AddHours(-_options.EventHours + 1);
        long rollupRows = 0, eventRows = 0, eventCounter = 0;
        var daily = new Dictionary<(int Customer, int Model), Totals>();
        var cells = new Dictionary<(string Region, string Industry), Totals>();
        var day = BusinessCalendar.DayStartUtc(firstHour);

        for (var hour = firstHour; hour <= lastHour; hour = hour.AddHours(1))
        {
            if (BusinessCalendar.DayStartUtc(hour) != day)
            {
                FlushDaily(dailyInsert, cellInsert, day, daily, cells);
                day = BusinessCalendar.DayStartUtc(hour);
            }
            var progress = (hour - firstHour).TotalHours / (lastHour - firstHour).TotalHours;
            var local = hour + BeijingOffset;
            // The hour in progress has only its elapsed part.
            var fraction = hour == lastHour ? (now.UtcDateTime - hour).TotalHours : 1.0;
            var hourly = new Dictionary<RollupKey, Totals>();
            foreach (var (segment, share) in SegmentShares)
            {
                if (!_bySegment.TryGetValue(segment, out var pool))
                {
                    continue;
                }
                var demand = share * (0.55 + 0.45 * progress) * Profile(segment, local) * fraction;
                var callsThisHour = _options.CallsPerDay / 24.0 * demand * 1.6;
                var draws = Math.Max(1, (int)Math.Round(DrawsPerHourAtPeak * share * Profile(segment, local) * fraction));
                for (var d = 0; d < draws; d++)
                {
                    var customer = pool.Customers[DemoDataSeeder.Pick(pool.Cumulative, _random.NextDouble())];
                    var calls = (int)Math.Round(callsThisHour / draws * Festival(customer.IndustryCode, local) * (0.5 + _random.NextDouble()));
                    if (calls <= 0)
                    {
                        continue;
                    }
                    var plan = _planOf[customer.Id];
                    var (modelId, multiplier) = plan.Models[DemoDataSeeder.Pick(plan.Cumulative, _random.NextDouble())];
                    var poolId = _router.Route(modelId, customer.RegionCode, _random.NextDouble());
                    if (poolId is null)
                    {
                        continue;
                    }
                    var key = new RollupKey(customer.RegionCode, customer.IndustryCode, modelId, plan.PackageId, poolId.Value);
                    var rate = plan.UnitPrice * multiplier;
                    var model = _models[modelId];
                    var (meanIn, meanOut) = TokensPerCall(model, customer.Segment);
                    var totals = new Totals();
                    if (hour >= firstEventHour)
                    {
                        for (var c = 0; c < calls; c++)
                        {
                            var input = (long)(meanIn * (0.3 + 1.4 * _random.NextDouble()));
                            var output = (long)(meanOut * (0.3 + 1.4 * _random.NextDouble()));
                            var (revenue, cost) = Rate(input, output, rate, model);
                            var at = new DateTimeOffset(hour.AddTicks((long)(_random.NextDouble() * TimeSpan.TicksPerHour * fraction)), TimeSpan.Zero);
                            eventCounter++;
                            Execute(eventInsert, $"demo-{eventCounter:D9}", at.UtcTicks, customer.Id, plan.PackageId, modelId, poolId.Value,
                                customer.RegionCode, customer.IndustryCode, input, output, revenue, cost, at.UtcTicks);
                            totals.Add(input, output, 1, revenue, cost);
                        }
                        eventRows += calls;
                    }
                    else
                    {
                        var input = (long)(meanIn * calls * (0.85 + 0.3 * _random.NextDouble()));
                        var output = (long)(meanOut * calls * (0.85 + 0.3 * _random.NextDouble()));
                        var (revenue, cost) = Rate(input, output, rate, model);
                        totals.Add(input, output, calls, revenue, cost);
                    }
                    Accumulate(hourly, key, totals);
                    Accumulate(daily, (customer.Id, modelId), totals);
                    Accumulate(cells, (customer.RegionCode, customer.IndustryCode), totals);
                }
            }
            foreach (var (key, t) in hourly)
            {
                Execute(rollupInsert, hour.Ticks, key.Region, key.Industry, key.Model, key.Package, key.Pool, t.Input, t.Output, t.Calls, t.Revenue, t.Cost);
            }
            rollupRows += hourly.Count;
            await Task.Yield();
        }
        FlushDaily(dailyInsert, cellInsert, day, daily, cells);
        await transaction.CommitAsync(cancellationToken);
        await db.Database.CloseConnectionAsync();
        return (rollupRows, eventRows);
    }

    /// <summary>Relative demand by Beijing local time: offices work 9–12 and 14–18 on weekdays; people use it in the evening.</summary>
    private static double Profile(CustomerSegment segment, DateTime local)
    {
        var h = local.Hour;
        var weekend = local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        // National Day "golden week", 1–7 October.
        var holiday = local.Month == 10 && local.Day <= 7;
        if (segment == CustomerSegment.Personal)
        {
            double[] personal = [0.35, 0.2, 0.12, 0.08, 0.06, 0.08, 0.2, 0.45, 0.65, 0.75, 0.8, 0.85, 0.9, 0.85, 0.8, 0.8, 0.85, 0.9, 1.0, 1.1, 1.25, 1.3, 1.15, 0.7];
            return personal[h] * (weekend || holiday ? 1.2 : 1.0);
        }
        double[] office = [0.08, 0.06, 0.05, 0.05, 0.06, 0.1, 0.2, 0.45, 0.85, 1.25, 1.35, 1.2, 0.8, 0.95, 1.3, 1.35, 1.3, 1.1, 0.7, 0.5, 0.4, 0.3, 0.2, 0.12];
        var factor = holiday ? 0.35 : weekend ? 0.5 : 1.0;
        // Government and customer-service traffic does not stop at the weekend as much.
        return office[h] * (segment == CustomerSegment.Government ? Math.Max(factor, 0.6) : factor);
    }

    /// <summary>The Double 11 shopping festival: retail, logistics and media ramp up in the first days of November.</summary>
    private static double Festival(string industry, DateTime local) =>
        industry is "retail" or "logistics" or "media" && local.Month == 11 && local.Day <= 12
            ? 1.0 + 1.5 * Math.Max(0, 1 - Math.Abs(local.Day - 11) / 8.0)
            : 1.0;

    private static (double In, double Out) TokensPerCall(AiModel model, CustomerSegment segment)
    {
        var (input, output) = model.Code switch
        {
            "deepseek-r1" => (1_800.0, 2_600.0),
            "qwen-turbo" or "doubao-1.5-pro-32k" => (1_400.0, 350.0),
            "qwen-vl-max" => (3_500.0, 420.0),
            _ => (2_600.0, 650.0),
        };
        return segment == CustomerSegment.Personal ? (input * 0.6, output * 0.8) : (input, output);
    }

    /// <summary>In micro-yuan, rounded once per event (or per generated batch), as the rating engine does: CNY per million tokens is µ¥ per token.</summary>
    private static (long Revenue, long Cost) Rate(long input, long output, decimal ratePerMTok, AiModel model) =>
        (Money.RoundMicros((input + output) * ratePerMTok),
         Money.RoundMicros(input * model.InputCostPerMTok + output * model.OutputCostPerMTok));

    private static void Accumulate<TKey>(Dictionary<TKey, Totals> map, TKey key, Totals totals) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var existing))
        {
            map[key] = existing = new Totals();
        }
        existing.Add(totals.Input, totals.Output, totals.Calls, totals.Revenue, totals.Cost);
    }

    private static void FlushDaily(DbCommand customerInsert, DbCommand cellInsert, DateTime day,
        Dictionary<(int Customer, int Model), Totals> daily, Dictionary<(string Region, string Industry), Totals> cells)
    {
        foreach (var ((customer, model), t) in daily)
        {
            Execute(customerInsert, day.Ticks, customer, model, t.Input + t.Output, t.Calls, t.Revenue, t.Cost);
        }
        foreach (var ((region, industry), t) in cells)
        {
            Execute(cellInsert, day.Ticks, region, industry, t.Input + t.Output, t.Calls, t.Revenue, t.Cost);
        }
        daily.Clear();
        cells.Clear();
    }

    private static DbCommand Prepare(DbConnection connection, DbTransaction transaction, string table, params string[] columns)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
        for (var i = 0; i < columns.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"$p{i}";
            command.Parameters.Add(parameter);
        }
        command.Prepare();
        return command;
    }

    private static void Execute(DbCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
        command.ExecuteNonQuery();
    }

    private readonly record struct RollupKey(string Region, string Industry, int Model, int Package, int Pool);

    private sealed class Totals
    {
        public long Input, Output, Calls;
        /// <summary>Micro-yuan.</summary>
        public long Revenue, Cost;

        public void Add(long input, long output, long calls, long revenue, long cost)
        {
            Input += input;
            Output += output;
            Calls += calls;
            Revenue += revenue;
            Cost += cost;
        }
    }
}
