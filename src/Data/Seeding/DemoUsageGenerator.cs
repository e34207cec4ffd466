using Microsoft.EntityFrameworkCore;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Customers;
using TokenConsole.Features.Usage.Ingestion;

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
    private readonly Dictionary<int, Plan> _planOf;
    private readonly Dictionary<CustomerSegment, TokenPackage> _topUpOf;
    private readonly string? _accountManagerId;
    private readonly Dictionary<Customer, double> _activity;
    /// <summary>The first customer of each region × industry cell (see <c>DemoDataSeeder.NewCustomers</c>).</summary>
    private readonly HashSet<int> _fillers;

    /// <summary>What the buckets came to: the rows to store after the usage (allowance, rollover, top-up) and the threshold crossings.</summary>
    public List<AllowanceBucket> Buckets { get; } = [];
    public List<CustomerNotification> Notifications { get; } = [];
    /// <summary>The webhook message of each notification, as the writer writes it beside the notification.</summary>
    public List<OutboxMessage> Outbox { get; } = [];

    private DateTimeOffset _now;
    /// <summary>Expected calls of each segment from the first hour through each hour (see <see cref="ScaleToAllowances"/>).</summary>
    private Dictionary<CustomerSegment, double[]> _expected = [];

    public DemoUsageGenerator(DemoOptions options, Random random, PoolRouter router, List<AiModel> models, List<TokenPackage> packages,
        List<Customer> customers, Dictionary<Customer, double> activity, List<Subscription> subscriptions, string? accountManagerId = null)
    {
        _options = options;
        _random = random;
        _router = router;
        _activity = activity;
        _accountManagerId = accountManagerId;
        _fillers = [.. customers.Take(DemoDataSeeder.CellCount).Select(c => c.Id)];
        _models = models.ToDictionary(m => m.Id);
        var packageById = packages.ToDictionary(p => p.Id);
        _topUpOf = packages.Where(p => p.Kind == PackageKind.TopUp).ToDictionary(p => p.Segment);
        var segmentOf = customers.ToDictionary(c => c.Id, c => c.Segment);
        var codeOf = customers.ToDictionary(c => c.Id, c => c.Code);
        _planOf = subscriptions.ToDictionary(s => s.CustomerId, s =>
        {
            var version = packageById[s.PackageId].Versions[0];
            var entitled = version.Entitlements.Select(e => (e.ModelId, e.Multiplier)).ToArray();
            // Customers lean on the standard models and use premium (multiplied) ones less.
            var cumulative = DemoDataSeeder.Cumulative(entitled.Select(e => e.Item2 > 1 ? 1.0 : 3.0));
            return new Plan(s, segmentOf[s.CustomerId], s.Terms[0], version, entitled, cumulative)
            {
                CustomerCode = codeOf[s.CustomerId], PackageCode = packageById[s.PackageId].Code,
            };
        });
        _bySegment = customers.GroupBy(c => c.Segment).ToDictionary(g => g.Key, g =>
        {
            var list = g.ToArray();
            return (list, DemoDataSeeder.Cumulative(list.Select(c => activity[c])));
        });
    }

    /// <summary>
    /// Half the draws go by activity (busy customers call more often), half to any customer of the segment alike, so that
    /// every customer has usage spread over the days: how much each one uses is set by its allowance (<see cref="ScaleToAllowances"/>),
    /// not by how often it is drawn. One uniform number per draw, as before.
    /// </summary>
    private static Customer PickCustomer(Customer[] customers, double[] cumulative, double uniform) =>
        uniform < 0.5
            ? customers[DemoDataSeeder.Pick(cumulative, uniform * 2)]
            : customers[Math.Min(customers.Length - 1, (int)((uniform - 0.5) * 2 * customers.Length))];

    /// <summary>The share of its segment's draws a customer gets from <see cref="PickCustomer"/>.</summary>
    private double DrawShare(Customer customer, int members, double segmentActivity) => 0.5 * _activity[customer] / segmentActivity + 0.5 / members;

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
        using var rollupInsert = RowWriter.Open(connection, "UsageRollups",
            "Hour", "RegionCode", "IndustryCode", "ModelId", "PackageId", "PoolId", "InputTokens", "OutputTokens", "Calls", "RevenueMicros", "ComputeCostMicros");
        // Raw events go to their UTC day's table (UsageEventTables) on SQLite, created with the day's first event; salt 0:
        // two demo ids with the same hash in an hour would fail the insert (odds about 10⁻⁹ for the demo's events). On
        // PostgreSQL into the partitioned table, the day's partition made first (PostgresUsageEventTables).
        var postgres = !db.Database.IsSqlite();
        var eventInserts = new Dictionary<int, RowWriter>();
        RowWriter? postgresEvents = null;
        // The writer of the event's table with the event's key columns and id added; the other columns follow.
        RowWriter EventRow(long utcTicks, string eventId)
        {
            var day = UsageEventTables.DayOf(utcTicks);
            if (postgres)
            {
                if (!eventInserts.ContainsKey(day))
                {
                    PostgresUsageEventTables.EnsureDay(connection, transaction, day);
                    eventInserts[day] = postgresEvents ??= RowWriter.Open(connection, UsageEventTables.View, "Hour", "EventId",
                        "Timestamp", "CustomerId", "PackageId", "ModelId", "PoolId", "RegionCode", "IndustryCode", "InputTokens", "OutputTokens", "RevenueMicros", "ComputeCostMicros", "IngestedAt");
                }
                return postgresEvents!.Add(PostgresUsageEventTables.HourOf(utcTicks)).Add(eventId);
            }
            if (!eventInserts.TryGetValue(day, out var insert))
            {
                UsageEventTables.EnsureDay(connection, transaction, day);
                eventInserts[day] = insert = RowWriter.Open(connection, UsageEventTables.TableOf(day), "Hour", "IdHash", "Salt",
                    "EventId", "Timestamp", "CustomerId", "PackageId", "ModelId", "PoolId", "RegionCode", "IndustryCode", "InputTokens", "OutputTokens", "RevenueMicros", "ComputeCostMicros", "IngestedAt");
            }
            return insert.Add(UsageEventTables.HourOf(utcTicks)).Add(UsageEventTables.IdHash(eventId)).Add(0).Add(eventId);
        }
        using var dailyInsert = RowWriter.Open(connection, "CustomerDailyUsage",
            "Day", "CustomerId", "ModelId", "Tokens", "Calls", "RevenueMicros", "ComputeCostMicros", "BucketTokens", "OverageTokens", "BaseRevenueMicros", "LeakageTokens");
        using var cellInsert = RowWriter.Open(connection, "RegionIndustryDaily",
            "Day", "RegionCode", "IndustryCode", "Tokens", "Calls", "RevenueMicros", "ComputeCostMicros");
        using var cellHourInsert = RowWriter.Open(connection, "RegionIndustryHourly",
            "Hour", "RegionCode", "IndustryCode", "Tokens", "Calls", "RevenueMicros", "ComputeCostMicros");
        using var packageModelInsert = RowWriter.Open(connection, "PackageModelDaily",
            "Day", "PackageId", "ModelId", "Tokens", "Calls", "RevenueMicros", "ComputeCostMicros");

        var lastHour = new DateTime(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerHour, DateTimeKind.Utc);
        // From midnight Beijing time, so that the first day of the period is a whole day.
        var firstHour = BusinessCalendar.DayStartUtc(lastHour.AddDays(-_options.Days));
        var firstEventHour = lastHour.AddHours(-_options.EventHours + 1);
        long rollupRows = 0, eventRows = 0, eventCounter = 0;
        var daily = new Dictionary<(int Customer, int Model), Totals>();
        var cells = new Dictionary<(string Region, string Industry), Totals>();
        var packageModels = new Dictionary<(int Package, int Model), Totals>();
        var months = new Dictionary<(DateTime Month, int Customer), Totals>();
        var cellMonths = new Dictionary<(DateTime Month, string Region, string Industry), Totals>();
        var day = BusinessCalendar.DayStartUtc(firstHour);
        _now = now;
        ScaleToAllowances(firstHour, lastHour, now);

        for (var hour = firstHour; hour <= lastHour; hour = hour.AddHours(1))
        {
            if (BusinessCalendar.DayStartUtc(hour) != day)
            {
                FlushDaily(dailyInsert, cellInsert, packageModelInsert, day, daily, cells, packageModels, months, cellMonths);
                day = BusinessCalendar.DayStartUtc(hour);
            }
            var progress = (hour - firstHour).TotalHours / (lastHour - firstHour).TotalHours;
            var hourIndex = (int)(hour - firstHour).TotalHours;
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
                    var customer = PickCustomer(pool.Customers, pool.Cumulative, _random.NextDouble());
                    var festival = Festival(customer.IndustryCode, local);
                    var calls = (int)Math.Round(callsThisHour / draws * festival * (0.5 + _random.NextDouble()));
                    var plan = _planOf[customer.Id];
                    // No usage outside the subscription (a day pass after its day: the gateway refuses it).
                    if (calls <= 0 || !plan.Covers(hour))
                    {
                        continue;
                    }
                    var (modelId, multiplier) = plan.Models[DemoDataSeeder.Pick(plan.Cumulative, _random.NextDouble())];
                    var poolId = _router.Route(modelId, customer.RegionCode, _random.NextDouble());
                    if (poolId is null)
                    {
                        continue;
                    }
                    var key = new RollupKey(customer.RegionCode, customer.IndustryCode, modelId, plan.PackageId, poolId.Value);
                    var model = _models[modelId];
                    var (meanIn, meanOut) = TokensPerCall(model, customer.Segment);
                    var pace = plan.Scale * plan.Pace(_expected[segment][hourIndex + 1]);
                    meanIn *= pace;
                    meanOut *= pace;
                    var totals = new Totals();
                    if (hour >= firstEventHour)
                    {
                        for (var c = 0; c < calls; c++)
                        {
                            var input = (long)(meanIn * (0.3 + 1.4 * _random.NextDouble()));
                            var output = (long)(meanOut * (0.3 + 1.4 * _random.NextDouble()));
                            var at = new DateTimeOffset(hour.AddTicks((long)(_random.NextDouble() * TimeSpan.TicksPerHour * fraction)), TimeSpan.Zero);
                            var rated = Rate(plan, at, input, output, multiplier, model);
                            eventCounter++;
                            var eventId = $"demo-{eventCounter:D9}";
                            EventRow(at.UtcTicks, eventId).Add(at.UtcTicks).Add(customer.Id).Add(plan.PackageId).Add(modelId).Add(poolId.Value)
                                .Add(customer.RegionCode).Add(customer.IndustryCode).Add(input).Add(output).Add(rated.Revenue).Add(rated.Cost).Add(at.UtcTicks).Insert();
                            totals.Add(input, output, 1, rated);
                        }
                        eventRows += calls;
                    }
                    else
                    {
                        var input = (long)(meanIn * calls * (0.85 + 0.3 * _random.NextDouble()));
                        var output = (long)(meanOut * calls * (0.85 + 0.3 * _random.NextDouble()));
                        // A generated batch is drawn from the buckets at once, at the middle of its hour.
                        var rated = Rate(plan, new DateTimeOffset(hour.AddMinutes(30), TimeSpan.Zero), input, output, multiplier, model);
                        totals.Add(input, output, calls, rated);
                    }
                    plan.Drawn += (double)(totals.Bucket + totals.Overage + totals.Leakage) / festival;
                    Accumulate(hourly, key, totals);
                    Accumulate(daily, (customer.Id, modelId), totals);
                    Accumulate(cells, (customer.RegionCode, customer.IndustryCode), totals);
                    Accumulate(packageModels, (plan.PackageId, modelId), totals);
                }
            }
            foreach (var (key, t) in hourly)
            {
                rollupInsert.Add(hour.Ticks).Add(key.Region).Add(key.Industry).Add(key.Model).Add(key.Package).Add(key.Pool)
                    .Add(t.Input).Add(t.Output).Add(t.Calls).Add(t.Revenue).Add(t.Cost).Insert();
            }
            rollupRows += hourly.Count;
            foreach (var cell in hourly.GroupBy(h => (h.Key.Region, h.Key.Industry)))
            {
                var t = new Totals();
                foreach (var h in cell)
                {
                    t.Add(h.Value);
                }
                cellHourInsert.Add(hour.Ticks).Add(cell.Key.Region).Add(cell.Key.Industry).Add(t.Input + t.Output).Add(t.Calls).Add(t.Revenue).Add(t.Cost).Insert();
            }
            await Task.Yield();
        }
        FlushDaily(dailyInsert, cellInsert, packageModelInsert, day, daily, cells, packageModels, months, cellMonths);
        foreach (var insert in eventInserts.Values.Distinct())
        {
            insert.Complete();
            insert.Dispose();
        }
        foreach (var insert in new[] { rollupInsert, dailyInsert, cellInsert, cellHourInsert, packageModelInsert })
        {
            insert.Complete();
        }
        using (var monthInsert = RowWriter.Open(connection, "CustomerMonthly", "Month", "CustomerId", "Tokens", "RevenueMicros", "ComputeCostMicros"))
        {
            foreach (var ((month, customer), t) in months)
            {
                monthInsert.Add(month.Ticks).Add(customer).Add(t.Input + t.Output).Add(t.Revenue).Add(t.Cost).Insert();
            }
            monthInsert.Complete();
        }
        using (var cellMonthInsert = RowWriter.Open(connection, "RegionIndustryMonthly", "Month", "RegionCode", "IndustryCode", "Tokens", "Calls", "RevenueMicros", "ComputeCostMicros"))
        {
            foreach (var ((month, region, industry), t) in cellMonths)
            {
                cellMonthInsert.Add(month.Ticks).Add(region).Add(industry).Add(t.Input + t.Output).Add(t.Calls).Add(t.Revenue).Add(t.Cost).Insert();
            }
            cellMonthInsert.Complete();
        }
        // Every current subscription shows its period's allowance, also one that has had no usage in it yet.
        foreach (var plan in _planOf.Values.Where(p => p.Covers(now.UtcDateTime)))
        {
            OpenPeriod(plan, now);
        }
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

    /// <summary>
    /// Rates usage as the usage writer does: billable tokens (× the multiplier) drawn from the buckets earn nothing (the
    /// fee paid for them is recognized apart); beyond them pay-as-you-go is charged at the overage price and stop-at-limit
    /// at zero, as leakage. In micro-yuan, rounded once per event (or per generated batch): CNY per million tokens is µ¥ per token.
    /// </summary>
    private Rated Rate(Plan plan, DateTimeOffset at, long input, long output, decimal multiplier, AiModel model)
    {
        var billable = (input + output) * multiplier;
        var inBuckets = Draw(plan, at, billable);
        var beyond = billable - inBuckets;
        var cost = Money.RoundMicros(input * model.InputCostPerMTok + output * model.OutputCostPerMTok);
        if (beyond <= 0)
        {
            return new Rated(0, cost, inBuckets, 0, 0, 0);
        }
        if (plan.Version.WhenExhausted == ExhaustionPolicy.StopAtLimit)
        {
            return new Rated(0, cost, inBuckets, 0, 0, beyond);
        }
        // At the overage price alone: the demo's history is rated without price rules (revenue = base revenue), so no rule
        // fires and CustomerDailyRuleEffect has nothing to hold for it; usage ingested later, under the active rules, fills it.
        var charge = Money.RoundMicros(beyond * plan.Version.OveragePricePerMTok);
        return new Rated(charge, cost, inBuckets, beyond, charge, 0);
    }

    /// <summary>Draws billable tokens from the subscription's buckets at <paramref name="at"/>: rollover, allowance, then top-ups by earliest expiry; returns what they covered.</summary>
    private decimal Draw(Plan plan, DateTimeOffset at, decimal billable)
    {
        OpenPeriod(plan, at);
        var left = billable;
        left -= Take(plan.Rollover, left);
        left -= Take(plan.Allowance, left);
        if (left < billable)
        {
            // As the writer: a threshold is checked when a draw took from the period's buckets.
            Notify(plan, at);
        }
        // The account manager sells a top-up pack when the customer ran out, or, to some, once the 80 % notice went out;
        // one at a time (a new one once the last expired), none twice in a period for the 80 % notice.
        var sells = plan.TopUpAt switch
        {
            TopUpMoment.WhenExhausted => left > 0,
            TopUpMoment.At80Percent => plan.Notified >= 80 && plan.TopUpSoldIn != plan.Allowance!.PeriodStart,
            _ => false,
        };
        if (sells && (plan.TopUp is null || plan.TopUp.ValidTo <= at) && _topUpOf.TryGetValue(plan.Segment, out var pack))
        {
            var version = pack.Versions[0];
            plan.TopUp = new AllowanceBucket
            {
                SubscriptionId = plan.Subscription.Id, CustomerId = plan.Subscription.CustomerId, Kind = BucketKind.TopUp,
                PeriodStart = at, ValidFrom = at, ValidTo = at.AddDays(version.ValidityDays), Included = version.IncludedTokens,
                TopUpPackageId = pack.Id, TopUpPackageVersionId = version.Id, PriceFen = FeeSpread.ToFen(version.PriceCny), SoldById = _accountManagerId,
            };
            plan.TopUpSoldIn = plan.Allowance!.PeriodStart;
            Buckets.Add(plan.TopUp);
        }
        if (plan.TopUp is { } topUp && at >= topUp.ValidFrom && at < topUp.ValidTo)
        {
            left -= Take(topUp, left);
        }
        return billable - left;
    }

    private static decimal Take(AllowanceBucket? bucket, decimal wanted)
    {
        if (bucket is null || wanted <= 0)
        {
            return 0;
        }
        var taken = Math.Min(wanted, bucket.Remaining);
        bucket.Used += taken;
        return taken;
    }

    /// <summary>Opens the allowance (and rollover) bucket of the period containing <paramref name="at"/> at its first usage, as the writer does.</summary>
    private void OpenPeriod(Plan plan, DateTimeOffset at)
    {
        if (plan.Period is { } current && current.Contains(at.UtcDateTime))
        {
            return;
        }
        var version = plan.Version;
        var period = BillingCycle.PeriodContaining(version.BillingPeriod, version.ValidityDays, plan.Term.Anchor, at.UtcDateTime)!.Value;
        var previous = plan.Allowance;
        var carried = previous is not null && BillingCycle.Previous(version.BillingPeriod, version.ValidityDays, plan.Term.Anchor, period)?.Start == previous.PeriodStart.UtcDateTime
            ? AllowanceRules.Rollover(version, previous.Included, previous.Used)
            : 0;
        var from = Max(new DateTimeOffset(period.Start, TimeSpan.Zero), plan.Term.From);
        var to = new DateTimeOffset(period.End, TimeSpan.Zero);
        to = plan.Term.To is { } end && end < to ? end : to;
        plan.Period = period;
        plan.Allowance = new AllowanceBucket
        {
            SubscriptionId = plan.Subscription.Id, CustomerId = plan.Subscription.CustomerId, Kind = BucketKind.Allowance,
            PeriodStart = new DateTimeOffset(period.Start, TimeSpan.Zero), ValidFrom = from, ValidTo = to, Included = version.IncludedTokens,
        };
        Buckets.Add(plan.Allowance);
        plan.Rollover = null;
        if (carried > 0)
        {
            plan.Rollover = new AllowanceBucket
            {
                SubscriptionId = plan.Subscription.Id, CustomerId = plan.Subscription.CustomerId, Kind = BucketKind.Rollover,
                PeriodStart = plan.Allowance.PeriodStart, ValidFrom = from, ValidTo = to, Included = carried,
            };
            Buckets.Add(plan.Rollover);
        }
        plan.Notified = 0;
        // A top-up outlives the period it was bought in only until its own expiry; a new period may need a new one.
        if (plan.TopUp is { } topUp && topUp.ValidTo <= from)
        {
            plan.TopUp = null;
        }
    }

    /// <summary>
    /// The 80 % and 100 % crossings of the period's allowance and rollover, each once per period, with its webhook
    /// message, as the writer writes them in the transaction of the usage that crossed.
    /// </summary>
    private void Notify(Plan plan, DateTimeOffset at)
    {
        var included = plan.Allowance!.Included + (plan.Rollover?.Included ?? 0);
        var used = plan.Allowance.Used + (plan.Rollover?.Used ?? 0);
        var percent = AllowanceRules.UsedPercent(included, used);
        foreach (var threshold in (ReadOnlySpan<int>)[80, 100])
        {
            if (percent >= threshold && plan.Notified < threshold)
            {
                plan.Notified = threshold;
                Notifications.Add(new CustomerNotification
                {
                    CustomerId = plan.Subscription.CustomerId, SubscriptionId = plan.Subscription.Id, PeriodStart = plan.Allowance.PeriodStart,
                    Threshold = threshold, Included = included, Used = used, CreatedAt = at,
                });
                Outbox.Add(OutboxMessageOf(plan, threshold, included, used, at));
            }
        }
    }

    /// <summary>
    /// The notification's webhook message, with the writer's key and payload. The operator's SMS gateway took the older
    /// ones (delivered a few seconds after); those of the last day still wait, so that the notifications page shows both,
    /// and a webhook configured on the demo database sends only recent news.
    /// </summary>
    private OutboxMessage OutboxMessageOf(Plan plan, int threshold, decimal included, decimal used, DateTimeOffset at)
    {
        var allowance = plan.Allowance!;
        var holding = new Features.Usage.Ingestion.BucketLedger.Holding
        {
            SubscriptionId = plan.Subscription.Id, CustomerId = plan.Subscription.CustomerId, PackageId = plan.PackageId,
            PackageVersionId = plan.Version.Id, CustomerCode = plan.CustomerCode, PackageCode = plan.PackageCode, Terms = [],
        };
        var period = new Features.Usage.Ingestion.BucketLedger.Period
        {
            Start = allowance.PeriodStart.UtcTicks, End = allowance.ValidTo.UtcTicks,
            Allowance = new Features.Usage.Ingestion.BucketLedger.Bucket { ValidFrom = allowance.ValidFrom.UtcTicks, ValidTo = allowance.ValidTo.UtcTicks },
        };
        var delivered = at < _now.AddDays(-1);
        return new OutboxMessage
        {
            Kind = "threshold",
            IdempotencyKey = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"threshold:{plan.Subscription.Id}:{period.Start}:{threshold}"),
            Payload = Features.Usage.Ingestion.BucketLedger.Payload(holding, period, (NotificationThreshold)threshold, included, used, at.UtcTicks),
            CreatedAt = at, NextAttemptAt = at, Attempts = delivered ? 1 : 0, DeliveredAt = delivered ? at.AddSeconds(3) : null,
        };
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    /// <summary>
    /// Scales each customer's tokens per call to a drawn share of its allowance, so that the demo has a realistic mix
    /// under, near and over the limit. Enterprise and government customers mostly use 30–70 %, some 80–100 %, some run
    /// past it and pay as they go; personal users mostly stay within, some hit the stop and leak. Each region × industry
    /// cell's first customer (see <c>DemoDataSeeder.NewCustomers</c>) on a pay-as-you-go package runs a little past its
    /// allowance, so that every business cell has usage charges — the revenue a price change moves — as it has usage.
    /// </summary>
    /// <remarks>
    /// The share is that of the period most covered by the generated days (usage before them is not generated, so an
    /// annual period that began earlier counts only what they bring): at the pace drawn, a whole monthly period uses about
    /// its share, the current one part of it. The tokens per call follow from it, since the number of draws does not.
    /// The shares come from a second generator, so the usage draws stay as drawn.
    /// </remarks>
    private void ScaleToAllowances(DateTime firstHour, DateTime lastHour, DateTimeOffset now)
    {
        var random = new Random(_options.Seed + 13);
        // Expected calls of each segment from the first hour through each hour (the same demand curve as the draws, on average).
        var hours = (int)(lastHour - firstHour).TotalHours + 1;
        var expected = _expected = SegmentShares.ToDictionary(x => x.Segment, _ => new double[hours + 1]);
        for (var i = 0; i < hours; i++)
        {
            var hour = firstHour.AddHours(i);
            var progress = (double)i / Math.Max(1, hours - 1);
            foreach (var (segment, share) in SegmentShares)
            {
                var demand = share * (0.55 + 0.45 * progress) * Profile(segment, hour + BeijingOffset);
                expected[segment][i + 1] = expected[segment][i] + _options.CallsPerDay / 24.0 * demand * 1.6;
            }
        }
        var activityOf = _bySegment.ToDictionary(x => x.Key, x => x.Value.Customers.Sum(c => _activity[c]));
        foreach (var (segment, (members, _)) in _bySegment)
        {
            foreach (var customer in members)
            {
                var plan = _planOf[customer.Id];
                var version = plan.Version;
                var stops = version.WhenExhausted == ExhaustionPolicy.StopAtLimit;
                var filler = _fillers.Contains(customer.Id) && !stops;
                var u = random.NextDouble();
                var v = random.NextDouble();
                var target = filler ? 1.15 + 0.2 * v
                    : stops ? (u < 0.7 ? 0.2 + 0.6 * v : u < 0.85 ? 0.8 + 0.2 * v : 1.0 + 0.6 * v)
                    : u < 0.55 ? 0.3 + 0.4 * v : u < 0.7 ? 0.15 + 0.15 * v : u < 0.88 ? 0.8 + 0.2 * v : 1.0 + 0.25 * v;
                var w = random.NextDouble();
                plan.TopUpAt = !_topUpOf.ContainsKey(segment) ? TopUpMoment.Never
                    : w < 0.5 ? TopUpMoment.WhenExhausted : w < 0.75 ? TopUpMoment.At80Percent : TopUpMoment.Never;
                var period = BillingCycle.PeriodContaining(version.BillingPeriod, version.ValidityDays, plan.Term.Anchor, now.UtcDateTime);
                if (period is not { } current)
                {
                    continue;
                }
                var perCall = 0.0;
                var previous = 0.0;
                for (var m = 0; m < plan.Models.Length; m++)
                {
                    var (inTokens, outTokens) = TokensPerCall(_models[plan.Models[m].ModelId], segment);
                    // A model no pool serves from the customer's region draws nothing (the draw is skipped).
                    var served = _router.Route(plan.Models[m].ModelId, customer.RegionCode, 0) is null ? 0.0 : 1.0;
                    perCall += (plan.Cumulative[m] - previous) * served * (inTokens + outTokens) * (double)plan.Models[m].Multiplier;
                    previous = plan.Cumulative[m];
                }
                var perExpectedCall = DrawShare(customer, members.Length, activityOf[segment]) * perCall;
                // The billable tokens expected in the generated part of each period, the most in the one most covered.
                var basis = 0.0;
                for (BillingPeriodSpan? p = current; p is { } span && span.End > firstHour;
                     p = BillingCycle.Previous(version.BillingPeriod, version.ValidityDays, plan.Term.Anchor, span))
                {
                    var from = Math.Clamp((int)Math.Ceiling((Max(span.Start, plan.Term.From.UtcDateTime) - firstHour).TotalHours), 0, hours);
                    var to = Math.Clamp((int)Math.Ceiling((span.End - firstHour).TotalHours), 0, hours);
                    basis = Math.Max(basis, (expected[segment][to] - expected[segment][from]) * perExpectedCall);
                }
                plan.Scale = basis <= 0 ? 1.0 : target * version.IncludedTokens / basis;
                plan.ExpectedPerCall = basis <= 0 ? 0 : perExpectedCall * plan.Scale;
            }
        }
    }

    private static void Accumulate<TKey>(Dictionary<TKey, Totals> map, TKey key, Totals totals) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var existing))
        {
            map[key] = existing = new Totals();
        }
        existing.Add(totals);
    }

    private static void FlushDaily(RowWriter customerInsert, RowWriter cellInsert, RowWriter packageModelInsert, DateTime day,
        Dictionary<(int Customer, int Model), Totals> daily, Dictionary<(string Region, string Industry), Totals> cells,
        Dictionary<(int Package, int Model), Totals> packageModels, Dictionary<(DateTime Month, int Customer), Totals> months,
        Dictionary<(DateTime Month, string Region, string Industry), Totals> cellMonths)
    {
        var month = BusinessCalendar.MonthStartUtc(day);
        foreach (var ((customer, model), t) in daily)
        {
            customerInsert.Add(day.Ticks).Add(customer).Add(model).Add(t.Input + t.Output).Add(t.Calls).Add(t.Revenue).Add(t.Cost)
                .Add(TokenConsoleDbContext.MillionthsConverter.ToMillionths(t.Bucket)).Add(TokenConsoleDbContext.MillionthsConverter.ToMillionths(t.Overage))
                .Add(t.BaseRevenue).Add(TokenConsoleDbContext.MillionthsConverter.ToMillionths(t.Leakage)).Insert();
            Accumulate(months, (month, customer), t);
        }
        foreach (var ((region, industry), t) in cells)
        {
            cellInsert.Add(day.Ticks).Add(region).Add(industry).Add(t.Input + t.Output).Add(t.Calls).Add(t.Revenue).Add(t.Cost).Insert();
            Accumulate(cellMonths, (month, region, industry), t);
        }
        foreach (var ((package, model), t) in packageModels)
        {
            packageModelInsert.Add(day.Ticks).Add(package).Add(model).Add(t.Input + t.Output).Add(t.Calls).Add(t.Revenue).Add(t.Cost).Insert();
        }
        daily.Clear();
        cells.Clear();
        packageModels.Clear();
    }

    /// <summary>
    /// Writes the buckets, notifications and outbox messages the usage drew, with prepared INSERTs in one transaction: EF
    /// spent 1.5 s of the first start on these ~10,000 rows. The values are stored as the model's converters store them
    /// (instants as UTC ticks, decimals as millionths, enums by name); ids are given here (the tables are empty), so the
    /// top-up audit entries that follow can name their bucket.
    /// </summary>
    public async Task WriteBucketsAsync(TokenConsoleDbContext db, CancellationToken cancellationToken)
    {
        static long ToMillionths(decimal value) => TokenConsoleDbContext.MillionthsConverter.ToMillionths(value);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        using (var insert = RowWriter.Open(connection, "AllowanceBuckets", "Id", "SubscriptionId", "CustomerId", "Kind", "PeriodStart", "ValidFrom", "ValidTo",
            "Included", "Used", "TopUpPackageId", "TopUpPackageVersionId", "PriceFen", "SoldById"))
        {
            var id = 0;
            foreach (var b in Buckets)
            {
                b.Id = ++id;
                insert.Add(b.Id).Add(b.SubscriptionId).Add(b.CustomerId).Add(b.Kind.ToString()).Add(b.PeriodStart.UtcTicks).Add(b.ValidFrom.UtcTicks).Add(b.ValidTo.UtcTicks)
                    .Add(ToMillionths(b.Included)).Add(ToMillionths(b.Used)).Add(b.TopUpPackageId).Add(b.TopUpPackageVersionId).Add(b.PriceFen).Add(b.SoldById).Insert();
            }
            insert.Complete();
        }
        if (!db.Database.IsSqlite())
        {
            await PostgreSQL.PostgresIdentities.ResyncAsync(connection, transaction, "AllowanceBuckets");
        }
        using (var insert = RowWriter.Open(connection, "CustomerNotifications", "CustomerId", "SubscriptionId", "PeriodStart", "Threshold", "Included", "Used", "CreatedAt"))
        {
            foreach (var n in Notifications)
            {
                insert.Add(n.CustomerId).Add(n.SubscriptionId).Add(n.PeriodStart.UtcTicks).Add(n.Threshold).Add(ToMillionths(n.Included)).Add(ToMillionths(n.Used)).Add(n.CreatedAt.UtcTicks).Insert();
            }
            insert.Complete();
        }
        using (var insert = RowWriter.Open(connection, "Outbox", "Kind", "IdempotencyKey", "Payload", "CreatedAt", "Attempts", "NextAttemptAt", "DeliveredAt", "LastError"))
        {
            foreach (var m in Outbox)
            {
                insert.Add(m.Kind).Add(m.IdempotencyKey).Add(m.Payload).Add(m.CreatedAt.UtcTicks).Add(m.Attempts).Add(m.NextAttemptAt.UtcTicks)
                    .Add(m.DeliveredAt?.UtcTicks).Add(m.LastError).Insert();
            }
            insert.Complete();
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private readonly record struct RollupKey(string Region, string Industry, int Model, int Package, int Pool);

    /// <summary>When the account manager sells a customer a top-up pack, if ever.</summary>
    private enum TopUpMoment { Never, WhenExhausted, At80Percent }

    /// <summary>An event's (or batch's) rating: micro-yuan, and billable tokens in the buckets, beyond them charged, and beyond them leaked.</summary>
    private readonly record struct Rated(long Revenue, long Cost, decimal Bucket, decimal Overage, long BaseRevenue, decimal Leakage);

    /// <summary>A customer's subscription as the generator draws it: its one term, its current buckets and how much to scale its usage.</summary>
    private sealed class Plan(Subscription subscription, CustomerSegment segment, SubscriptionTerm term, PackageVersion version, (int ModelId, decimal Multiplier)[] models, double[] cumulative)
    {
        public Subscription Subscription { get; } = subscription;
        public CustomerSegment Segment { get; } = segment;
        public SubscriptionTerm Term { get; } = term;
        public PackageVersion Version { get; } = version;
        public int PackageId => Subscription.PackageId;
        public required string CustomerCode { get; init; }
        public required string PackageCode { get; init; }
        public (int ModelId, decimal Multiplier)[] Models { get; } = models;
        public double[] Cumulative { get; } = cumulative;
        public double Scale { get; set; } = 1.0;
        /// <summary>Billable tokens expected per expected call of the segment, at <see cref="Scale"/>; and those drawn so far (festival peaks taken out).</summary>
        public double ExpectedPerCall { get; set; }
        public double Drawn { get; set; }

        /// <summary>
        /// How much to scale this draw so that the customer's usage keeps to its expected course: a customer drawn only
        /// a few dozen times would otherwise land anywhere within ±30 % of its share, and the mix under, near and over
        /// the limit would be a matter of luck (a customer is drawn a few times a week). The correction is the lag itself,
        /// within ¼ and 4: the draws keep their variety, the course its share.
        /// </summary>
        public double Pace(double expectedCalls)
        {
            var expected = expectedCalls * ExpectedPerCall;
            return Drawn <= 0 || expected <= 0 ? 1.0 : Math.Clamp(expected / Drawn, 0.25, 4.0);
        }
        public TopUpMoment TopUpAt { get; set; }
        /// <summary>The period start of the last top-up sold.</summary>
        public DateTimeOffset? TopUpSoldIn { get; set; }
        public BillingPeriodSpan? Period { get; set; }
        public AllowanceBucket? Allowance { get; set; }
        public AllowanceBucket? Rollover { get; set; }
        public AllowanceBucket? TopUp { get; set; }
        /// <summary>The highest threshold notified in the current period.</summary>
        public int Notified { get; set; }

        /// <summary>The billing period found last by <see cref="Covers"/>.</summary>
        private BillingPeriodSpan? _covered;

        public bool Covers(DateTime hour)
        {
            if (!(hour.AddHours(1) > Term.From.UtcDateTime && (Term.To is not { } to || hour < to.UtcDateTime)))
            {
                return false;
            }
            // The draws go hour by hour: the period found last answers nearly all of them (looked up each time, the
            // periods were 0.4 s of the usage at 20,000 customers).
            if (_covered is { } period && period.Contains(hour))
            {
                return true;
            }
            _covered = BillingCycle.PeriodContaining(Version.BillingPeriod, Version.ValidityDays, Term.Anchor, hour);
            return _covered is not null;
        }
    }

    private sealed class Totals
    {
        public long Input, Output, Calls;
        /// <summary>Micro-yuan.</summary>
        public long Revenue, Cost, BaseRevenue;
        /// <summary>Billable tokens.</summary>
        public decimal Bucket, Overage, Leakage;

        public void Add(long input, long output, long calls, Rated rated)
        {
            Input += input;
            Output += output;
            Calls += calls;
            Revenue += rated.Revenue;
            Cost += rated.Cost;
            BaseRevenue += rated.BaseRevenue;
            Bucket += rated.Bucket;
            Overage += rated.Overage;
            Leakage += rated.Leakage;
        }

        public void Add(Totals other)
        {
            Input += other.Input;
            Output += other.Output;
            Calls += other.Calls;
            Revenue += other.Revenue;
            Cost += other.Cost;
            BaseRevenue += other.BaseRevenue;
            Bucket += other.Bucket;
            Overage += other.Overage;
            Leakage += other.Leakage;
        }
    }
}
