using System.Globalization;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Features.Pricing;

/// <summary>The hourly rollups' side of a simulation: before and after per region × industry cell, and how many rollup rows were read.</summary>
internal sealed record RollupPass(Dictionary<(string Region, string Industry), (decimal Before, decimal After)> Cells, decimal Before, decimal After, int Rows);

/// <summary>
/// Re-rates the hourly rollups by what the rules can see instead of row by row (issue 14: 90 days at real density are
/// ~32M rows, which SQLite alone takes seconds to read). In the rollup pass a row's context differs from another's only
/// by region, industry, package, model and its Beijing hour of the week (customer, segment and monthly volume are
/// constants there), and every rule's effect and the base price are proportional to the billable tokens, so the ratio
/// proposed ÷ current price is the same for every row of a <em>class</em>: (region, industry, package, Beijing
/// hour-of-week class, and the model only when some rule's scope names models). Hours fall in the same class when
/// every rule's hour window and days say the same of them.
/// <para>
/// Per cell, in three layers: the ratio ρ that most of its classes share scales the cell's recorded revenue, read from
/// the small daily table (<c>RegionIndustryDaily</c>); an hour-of-week class whose packages mostly share another
/// ratio ρ꜀ adds (ρ꜀ − ρ) × its recorded revenue, read from the hourly cell table (<c>RegionIndustryHourly</c>, 465
/// rows an hour); only the rows of the (package, model, class) triples whose ratio differs from their class's (or
/// where the current price is zero, where the old method adds rather than scales) are read from the hourly rollups,
/// summed in SQL per (package, model, hour of the week) and each group re-rated as one row. Both small tables are
/// written with the same amounts in the same transactions as the hourly rows. A change scoped to one industry and an
/// hour window that treats its packages alike reads no rollup rows; an unscoped percentage that stacks last reads none.
/// </para>
/// <para>
/// Exactness: for the ratio branch Σ rᵢ·then/now = (Σ rᵢ)·then/now, and the additive branch (current price zero) is
/// linear in the billable tokens, so the result is the row-by-row method's up to decimal rounding in the 28th digit
/// (far below the µ¥; <c>GroupedSimulationTests</c> compares both to the µ¥). Not grouped (<see cref="CanGroup"/>
/// false, the caller rates row by row): a rule whose advanced expression reads tokens (they differ between the rows
/// of a group), or a validity window that starts or ends inside the period.
/// </para>
/// </summary>
internal sealed class GroupedRollupRerating(PriceBook book, RuleSetEngine current, RuleSetEngine proposed, DateTime from, DateTime to,
    IReadOnlyCollection<(int Package, int Model)> used)
{
    private const int HoursPerWeek = 168;
    // Above this many classes per cell (× ~465 cells, each priced by both engines), pricing them costs more than
    // reading the rows would save: 168 hours × 20 packages × 10 models when an advanced expression may read the hour.
    private const int MaxClassesPerCell = 2_000;
    // Any positive amount: every price is proportional to the billable tokens, so the ratio does not depend on it.
    private const long RepresentativeTokens = 1_000_000;
    private const int AnyModel = 0;
    private const int RatioDecimals = 20;

    private readonly IReadOnlyList<PriceRule> _rules = [.. current.Rules, .. proposed.Rules];

    /// <summary>Whether the classes give the row-by-row result; when false the caller rates row by row.</summary>
    public bool CanGroup =>
        !_rules.Any(r => r.AdvancedExpression is { } e && e.Contains("Tokens", StringComparison.Ordinal))
        && !_rules.Any(r => Inside(r.ValidFrom) || Inside(r.ValidTo))
        && ClassesPerCell <= MaxClassesPerCell;

    private bool Inside(DateTimeOffset? bound) => bound is { } b && b.UtcDateTime > from && b.UtcDateTime < to;

    private bool SeesModels => _rules.Any(r => r.Scope.ModelIds.Count > 0 || !string.IsNullOrWhiteSpace(r.AdvancedExpression));

    /// <summary>
    /// The (package, model) pairs to price: those with usage in the period (from <c>PackageModelDaily</c>, written with
    /// the hourly rows in the same transactions), the model only where a rule can see it. A package the price book
    /// does not price keeps its rows as recorded (ratio 1), so it is odd whenever ρ ≠ 1 — but only a package that has
    /// rows needs reading: asking for every package the book does not price made SQLite walk each cell's whole index
    /// range (35–85 s for an unscoped change at real density).
    /// </summary>
    private (int Package, int Model)[] Pairs => [.. used.Select(u => (u.Package, SeesModels ? u.Model : AnyModel)).Distinct()];

    private int ClassesPerCell => Pairs.Length * TimeClasses().Representatives.Count;

    /// <summary>The pairs with usage in [from, to): the rows a re-rating can meet.</summary>
    public static async Task<List<(int Package, int Model)>> UsedPairsAsync(TokenConsoleDbContext db, DateTime from, DateTime to, CancellationToken ct) =>
        [.. (await db.PackageModelDaily.AsNoTracking()
            // ModelId 0 is the fee recognizer's row of a package's day (fees, top-ups, credits), not usage.
            .Where(d => d.Day >= from && d.Day < to && d.ModelId != 0)
            .Select(d => new { d.PackageId, d.ModelId }).Distinct().ToListAsync(ct))
            .Select(p => (p.PackageId, p.ModelId))];

    /// <summary>
    /// The Beijing hour of the week of a rollup hour (ticks since 0001-01-01, a Monday, UTC): hours 168 apart see the
    /// same rules. The same arithmetic as <see cref="SlotSql"/>.
    /// </summary>
    public static int Slot(long hourTicks) => (int)((hourTicks / TimeSpan.TicksPerHour + 8) % HoursPerWeek);

    // The cell's rows in the runs of hours: SQLite seeks its index once per run from the join; PostgreSQL, left to
    // itself, read the cell's whole history with a bitmap scan and filtered the hours after it (the query-plan test
    // found it), so each run is its own index range scan there, by a LATERAL join (which SQLite does not have) that
    // OFFSET 0 keeps from being flattened back into the plain join.
    private const string SqliteRunsOfCell = """
        "Runs" CROSS JOIN "UsageRollups"
            WHERE "RegionCode" = {0} AND "IndustryCode" = {1} AND "Hour" >= "RunFrom" AND "Hour" < "RunTo"
        """;

    private const string PostgresRunsOfCell = """
        "Runs" CROSS JOIN LATERAL (SELECT "Hour", "ModelId", "PackageId", "InputTokens", "OutputTokens", "RevenueMicros" FROM "UsageRollups"
            WHERE "RegionCode" = {0} AND "IndustryCode" = {1} AND "Hour" >= "RunFrom" AND "Hour" < "RunTo" OFFSET 0) AS "u"
            WHERE TRUE
        """;

    private const string SlotSql = "((\"Hour\" / 36000000000 + 8) % 168)";

    /// <summary>
    /// The class of each hour of the week (hours whose every rule says the same of them: hour windows, days, or each
    /// hour its own when an advanced expression may read them), and one hour of the period per class to rate it at.
    /// </summary>
    private (int[] ClassOfSlot, List<DateTimeOffset> Representatives) TimeClasses()
    {
        var perSlot = _rules.Any(r => !string.IsNullOrWhiteSpace(r.AdvancedExpression));
        var timed = _rules.Where(r => r.Scope.HasHourWindow || r.Scope.Days.Count > 0).ToArray();
        var classOfSlot = new int[HoursPerWeek];
        Array.Fill(classOfSlot, -1);
        var bySignature = new Dictionary<string, int>(StringComparer.Ordinal);
        var representatives = new List<DateTimeOffset>();
        var first = new DateTime(from.Ticks - from.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);
        for (var hour = first; hour < to && hour < first.AddHours(HoursPerWeek); hour = hour.AddHours(1))
        {
            var local = BusinessCalendar.ToLocal(hour);
            var signature = perSlot ? Slot(hour.Ticks).ToString(CultureInfo.InvariantCulture)
                : string.Concat(timed.Select(r => TimeMatches(r.Scope, local) ? '1' : '0'));
            if (!bySignature.TryGetValue(signature, out var id))
            {
                id = representatives.Count;
                bySignature[signature] = id;
                representatives.Add(new DateTimeOffset(hour, TimeSpan.Zero));
            }
            classOfSlot[Slot(hour.Ticks)] = id;
        }
        return (classOfSlot, representatives);
    }

    private static bool TimeMatches(PriceRuleScope s, DateTime local) =>
        (!s.HasHourWindow || Fn.Between(local.Hour, s.HourFrom!.Value, s.HourTo!.Value)) && (s.Days.Count == 0 || s.Days.Contains(local.DayOfWeek));

    private readonly record struct Price(bool Additive, decimal Ratio);

    /// <summary>The ratio of one class, by the same arithmetic as the row-by-row method.</summary>
    private Price PriceOf(string region, string industry, int package, int model, DateTimeOffset at)
    {
        var context = new UsageContext(package, model, 0, region, industry, CustomerSegment.LargeEnterprise, at, RepresentativeTokens, 0, 0);
        PackagePriceRatingEngine.RateBase(book, context, out var baseMicros, out var billable);
        if (baseMicros <= 0)
        {
            return new Price(false, 1);
        }

        var now = current.Apply(context, baseMicros, billable);
        var then = proposed.Apply(context, baseMicros, billable);
        return now <= 0 ? new Price(true, 0) : new Price(false, then / now);
    }

    public async Task<RollupPass> RunAsync(TokenConsoleDbContext db, IProgress<double>? progress, CancellationToken ct)
    {
        // The recorded revenue per cell over the period, from the daily table (465 rows a day instead of ~15,000 an hour).
        var cells = await db.RegionIndustryDaily.AsNoTracking()
            .Where(d => d.Day >= from && d.Day < to)
            .GroupBy(d => new { d.RegionCode, d.IndustryCode })
            .Select(g => new { g.Key.RegionCode, g.Key.IndustryCode, Micros = g.Sum(d => d.RevenueMicros) })
            .ToListAsync(ct);
        var (classOfSlot, representatives) = TimeClasses();
        var pairs = Pairs;
        var plans = cells.OrderBy(c => c.RegionCode, StringComparer.Ordinal).ThenBy(c => c.IndustryCode, StringComparer.Ordinal)
            .Select(c => Plan(c.RegionCode, c.IndustryCode, Money.FromMicros(c.Micros), pairs, representatives))
            .ToList();
        progress?.Report(0.1);
        var classRevenue = await ClassRevenueAsync(db, plans.Where(p => p.Shifted).ToList(), classOfSlot, ct);
        var result = new Dictionary<(string, string), (decimal Before, decimal After)>();
        decimal before = 0, after = 0;
        var rows = 0;
        var done = 0;
        var progressStep = Math.Max(1, plans.Count / 100);
        foreach (var plan in plans)
        {
            var cellAfter = plan.Recorded * plan.Rho;
            for (var c = 0; c < plan.ClassRatios.Length; c++)
            {
                if (plan.ClassRatios[c] != plan.Rho)
                {
                    cellAfter += (plan.ClassRatios[c] - plan.Rho) * classRevenue.GetValueOrDefault((plan.Region, plan.Industry, c));
                }
            }
            if (plan.Odd.Count > 0)
            {
                var (correction, read) = await CorrectionAsync(db, plan, classOfSlot, ct);
                cellAfter += correction;
                rows += read;
            }
            result[(plan.Region, plan.Industry)] = (plan.Recorded, cellAfter);
            before += plan.Recorded;
            after += cellAfter;
            if (++done % progressStep == 0)
            {
                progress?.Report(0.15 + 0.75 * done / plans.Count);
            }
        }
        return new RollupPass(result, before, after, rows);
    }

    /// <summary>
    /// How one cell is re-rated: its recorded revenue × ρ (the ratio most of its classes share), plus per hour-of-week
    /// class whose own common ratio ρ꜀ differs, (ρ꜀ − ρ) × the class's recorded revenue (from the hourly cell table),
    /// plus the rows of the (package, model, class) triples whose ratio differs from their class's (read and re-rated).
    /// </summary>
    private sealed record CellPlan(string Region, string Industry, decimal Recorded, decimal Rho, decimal[] ClassRatios,
        List<(int Package, int Model, int Class)> Odd)
    {
        public bool Shifted => ClassRatios.Any(r => r != Rho);
    }

    private CellPlan Plan(string region, string industry, decimal recorded, (int Package, int Model)[] pairs, List<DateTimeOffset> representatives)
    {
        var prices = new Dictionary<(int Package, int Model, int Class), Price>();
        for (var c = 0; c < representatives.Count; c++)
        {
            foreach (var (package, model) in pairs)
            {
                prices[(package, model, c)] = PriceOf(region, industry, package, model, representatives[c]);
            }
        }
        // Ratios are compared to 20 decimals: the same ratio computed from two base prices differs in its 28th digit
        // (x·0.95 rounds before ÷ x), and 10⁻²⁰ of any cell's revenue is far below the µ¥.
        // The most common ratio, and on a tie the cell's: a class then never reads more triples than one ratio for the
        // whole cell would.
        static decimal Common(IEnumerable<Price> prices, decimal preferred) =>
            prices.Where(p => !p.Additive).GroupBy(p => Math.Round(p.Ratio, RatioDecimals))
                .OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key == preferred).Select(g => g.Key).FirstOrDefault(preferred);
        var rho = Common(prices.Values, 1m);
        // One pass over the prices per cell (with 168 classes, filtering them once per class cost 168 passes).
        var byClass = prices.ToLookup(p => p.Key.Class, p => p.Value);
        var classRatios = Enumerable.Range(0, representatives.Count).Select(c => Common(byClass[c], rho)).ToArray();
        var odd = prices.Where(p => p.Value.Additive || Math.Round(p.Value.Ratio, RatioDecimals) != classRatios[p.Key.Class]).Select(p => p.Key).ToList();
        return new CellPlan(region, industry, recorded, rho, classRatios, odd);
    }

    /// <summary>
    /// The recorded revenue per (cell, hour-of-week class) over the period, for the cells with a class whose ratio
    /// differs from the cell's: one pass over the hourly cell table (465 rows an hour, where the rollups hold ~15,000),
    /// which the usage writer fills from the same sums in the same transactions as the hourly rollups.
    /// </summary>
    private async Task<Dictionary<(string Region, string Industry, int Class), decimal>> ClassRevenueAsync(
        TokenConsoleDbContext db, List<CellPlan> shifted, int[] classOfSlot, CancellationToken ct)
    {
        var revenue = new Dictionary<(string, string, int), decimal>();
        if (shifted.Count == 0)
        {
            return revenue;
        }
        var wanted = shifted.Select(p => (p.Region, p.Industry)).ToHashSet();
        var industries = shifted.Select(p => p.Industry).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        // Through EF (parameters {0}, {1}, …), so that its interceptors, and the query-plan test, see the command.
        var sums = await db.Database.SqlQueryRaw<SlotRevenue>(string.Create(CultureInfo.InvariantCulture, $$"""
            SELECT "RegionCode" AS "Region", "IndustryCode" AS "Industry", CAST({{SlotSql}} AS integer) AS "Slot", CAST(SUM("RevenueMicros") AS bigint) AS "Micros" FROM "RegionIndustryHourly"
            WHERE "Hour" >= {0} AND "Hour" < {1} AND "IndustryCode" IN ({{string.Join(',', industries.Select((_, i) => "{" + (i + 2) + "}"))}})
            GROUP BY 1, 2, 3
            """), [from.Ticks, to.Ticks, .. industries]).ToListAsync(ct);
        foreach (var sum in sums)
        {
            var c = classOfSlot[sum.Slot];
            if (c >= 0 && wanted.Contains((sum.Region, sum.Industry)))
            {
                ref var total = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(revenue, (sum.Region, sum.Industry, c), out _);
                total += Money.FromMicros(sum.Micros);
            }
        }
        return revenue;
    }

    private sealed class SlotRevenue
    {
        public string Region { get; init; } = "";
        public string Industry { get; init; } = "";
        public int Slot { get; init; }
        public long Micros { get; init; }
    }

    private sealed class SlotGroup
    {
        public int Slot { get; init; }
        public int ModelId { get; init; }
        public int PackageId { get; init; }
        public long FirstHour { get; init; }
        public long Input { get; init; }
        public long Output { get; init; }
        public long Micros { get; init; }
        public int Rows { get; init; }
    }

    /// <summary>
    /// Σ (re-rated − ρ꜀ × recorded) over the cell's rows of the odd (package, model, class) triples, each (package,
    /// model, hour of the week) re-rated as one row. The SQL reads the cell's rows of those packages and hours through
    /// the index on (RegionCode, IndustryCode, Hour), which filters the hour before it reads the row; a row of another
    /// triple that the coarser filter lets through has its class's ratio ρ꜀ and adds nothing.
    /// </summary>
    private async Task<(decimal Correction, int Rows)> CorrectionAsync(TokenConsoleDbContext db, CellPlan plan, int[] classOfSlot, CancellationToken ct)
    {
        var (region, industry, odd) = (plan.Region, plan.Industry, plan.Odd);
        // Summed in SQL per (hour of the week, model, package): the rows never cross into .NET one by one. MIN(Hour) is
        // an hour of the group's class to rate it at (every hour of a slot sees the same rules).
        // The index is walked only over the hours where some triple is odd (one seek per run of such hours: a weekend
        // change walks 2/7 of the cell, not all of it); the filter then skips the other packages' rows before their seek.
        var sql = string.Create(CultureInfo.InvariantCulture, $$"""
            WITH "Runs"("RunFrom", "RunTo") AS (VALUES {{string.Join(',', OddHourRuns(odd, classOfSlot).Select(r => string.Create(CultureInfo.InvariantCulture, $"({r.From},{r.To})")))}})
            SELECT CAST({{SlotSql}} AS integer) AS "Slot", "ModelId", "PackageId", MIN("Hour") AS "FirstHour", CAST(SUM("InputTokens") AS bigint) AS "Input",
                   CAST(SUM("OutputTokens") AS bigint) AS "Output", CAST(SUM("RevenueMicros") AS bigint) AS "Micros", CAST(COUNT(*) AS integer) AS "Rows"
            FROM {{(db.Database.IsNpgsql() ? PostgresRunsOfCell : SqliteRunsOfCell)}}
              AND ({{OddFilter(odd, classOfSlot)}})
            GROUP BY {{SlotSql}}, "ModelId", "PackageId"
            """);
        var groups = await db.Database.SqlQueryRaw<SlotGroup>(sql, region, industry).ToListAsync(ct);
        var rows = groups.Sum(g => g.Rows);
        decimal correction = 0;
        foreach (var g in groups)
        {
            var context = new UsageContext(g.PackageId, g.ModelId, 0, region, industry, CustomerSegment.LargeEnterprise,
                new DateTimeOffset(g.FirstHour, TimeSpan.Zero), g.Input, g.Output, 0);
            var recorded = Money.FromMicros(g.Micros);
            var (_, rerated) = ImpactSimulator.Rerate(book, current, proposed, context, recorded);
            correction += rerated - plan.ClassRatios[classOfSlot[g.Slot]] * recorded;
        }
        return (correction, rows);
    }

    /// <summary>The runs of consecutive hours of [from, to) whose hour of the week is odd for some triple, as tick ranges.</summary>
    private List<(long From, long To)> OddHourRuns(List<(int Package, int Model, int Class)> odd, int[] classOfSlot)
    {
        var classes = odd.Select(o => o.Class).ToHashSet();
        var runs = new List<(long From, long To)>();
        long? start = null;
        var first = new DateTime(from.Ticks - from.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);
        for (var hour = first.Ticks; hour < to.Ticks; hour += TimeSpan.TicksPerHour)
        {
            var isOdd = classOfSlot[Slot(hour)] is var c && c >= 0 && classes.Contains(c);
            if (isOdd && start is null)
            {
                start = Math.Max(hour, from.Ticks);
            }
            else if (!isOdd && start is { } s)
            {
                runs.Add((s, hour));
                start = null;
            }
        }
        if (start is { } open)
        {
            runs.Add((open, to.Ticks));
        }
        return runs;
    }

    /// <summary>
    /// Each odd package with the hours of the week where it is odd, packages with the same hours in one term:
    /// <c>(PackageId IN (…) AND slot IN (…)) OR …</c>. Every term reads only columns of the index, so SQLite rejects
    /// the other rows before it seeks them in the table (a weekend triple must not make a weekday's rows read).
    /// </summary>
    private static string OddFilter(List<(int Package, int Model, int Class)> odd, int[] classOfSlot)
    {
        var terms = odd.GroupBy(o => o.Package)
            .Select(g =>
            {
                var classes = g.Select(o => o.Class).ToHashSet();
                var slots = Enumerable.Range(0, HoursPerWeek).Where(s => classOfSlot[s] >= 0 && classes.Contains(classOfSlot[s])).ToArray();
                return (Package: g.Key, Slots: slots.Length == classOfSlot.Count(c => c >= 0) ? "" : string.Join(',', slots));
            })
            .GroupBy(p => p.Slots, StringComparer.Ordinal)
            .Select(g =>
            {
                var packages = string.Join(',', g.Select(p => p.Package).Order());
                return g.Key.Length == 0 ? $"\"PackageId\" IN ({packages})" : $"(\"PackageId\" IN ({packages}) AND {SlotSql} IN ({g.Key}))";
            });
        return string.Join(" OR ", terms);
    }
}
