using System.Data.Common;
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
/// Per cell: the ratio ρ that most of its classes share scales the cell's recorded revenue, read from the small daily
/// table (<c>RegionIndustryDaily</c>, written with the same amounts in the same transaction as the hourly rows); only
/// the rows of the classes whose ratio differs from ρ (or where the current price is zero, where the old method adds
/// rather than scales) are read from the hourly rollups, grouped by (package, model, hour of the week) and each group
/// re-rated as one row with its summed tokens and revenue. A change scoped to one industry and an hour window reads
/// only those rows; an unscoped percentage that stacks last reads none.
/// </para>
/// <para>
/// Exactness: for the ratio branch Σ rᵢ·then/now = (Σ rᵢ)·then/now, and the additive branch (current price zero) is
/// linear in the billable tokens, so the result is the row-by-row method's up to decimal rounding in the 28th digit
/// (far below the µ¥; <c>GroupedSimulationTests</c> compares both to the µ¥). Not grouped (<see cref="CanGroup"/>
/// false, the caller rates row by row): a rule whose advanced expression reads tokens (they differ between the rows
/// of a group), or a validity window that starts or ends inside the period.
/// </para>
/// </summary>
internal sealed class GroupedRollupRerating(PriceBook book, RuleSetEngine current, RuleSetEngine proposed, DateTime from, DateTime to)
{
    private const int HoursPerWeek = 168;
    // Above this many classes per cell (× ~465 cells, each priced by both engines), pricing them costs more than
    // reading the rows would save: 168 hours × 20 packages × 10 models when an advanced expression may read the hour.
    private const int MaxClassesPerCell = 2_000;
    // Any positive amount: every price is proportional to the billable tokens, so the ratio does not depend on it.
    private const long RepresentativeTokens = 1_000_000;
    // Packages the price book does not know: the row-by-row method leaves their rows as recorded (ratio 1).
    private const int UnknownPackage = int.MinValue;
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

    private int[] Packages => [.. book.Packages.Keys, UnknownPackage];

    private int[] Models => SeesModels ? [.. book.Models.Keys.Concat(_rules.SelectMany(r => r.Scope.ModelIds)).Distinct(), -1] : [AnyModel];

    private int ClassesPerCell => Packages.Length * Models.Length * TimeClasses().Representatives.Count;

    /// <summary>
    /// The Beijing hour of the week of a rollup hour (ticks since 0001-01-01, a Monday, UTC): hours 168 apart see the
    /// same rules. The same arithmetic as <see cref="SlotSql"/>.
    /// </summary>
    public static int Slot(long hourTicks) => (int)((hourTicks / TimeSpan.TicksPerHour + 8) % HoursPerWeek);

    private const string SlotSql = "((Hour / 36000000000 + 8) % 168)";

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
        var packages = Packages;
        var models = Models;
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        var result = new Dictionary<(string, string), (decimal Before, decimal After)>();
        decimal before = 0, after = 0;
        var rows = 0;
        var done = 0;
        var progressStep = Math.Max(1, cells.Count / 100);
        foreach (var cell in cells.OrderBy(c => c.RegionCode, StringComparer.Ordinal).ThenBy(c => c.IndustryCode, StringComparer.Ordinal))
        {
            var prices = new Dictionary<(int Package, int Model, int Class), Price>();
            for (var c = 0; c < representatives.Count; c++)
            {
                foreach (var package in packages)
                {
                    foreach (var model in models)
                    {
                        prices[(package, model, c)] = PriceOf(cell.RegionCode, cell.IndustryCode, package, model, representatives[c]);
                    }
                }
            }
            // The ratio most classes share scales the whole cell; the rows of the other classes are read and corrected.
            // Ratios are compared to 20 decimals: the same ratio computed from two base prices differs in its 28th digit
            // (x·0.95 rounds before ÷ x), and 10⁻²⁰ of any cell's revenue is far below the µ¥.
            var rho = prices.Values.Where(p => !p.Additive).GroupBy(p => Math.Round(p.Ratio, RatioDecimals)).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault(1m);
            var odd = prices.Where(p => p.Value.Additive || Math.Round(p.Value.Ratio, RatioDecimals) != rho).Select(p => p.Key).ToList();
            var recorded = Money.FromMicros(cell.Micros);
            var cellAfter = recorded * rho;
            if (odd.Count > 0)
            {
                var (correction, read) = await CorrectionAsync(connection, cell.RegionCode, cell.IndustryCode, odd, classOfSlot, rho, ct);
                cellAfter += correction;
                rows += read;
            }
            result[(cell.RegionCode, cell.IndustryCode)] = (recorded, cellAfter);
            before += recorded;
            after += cellAfter;
            if (++done % progressStep == 0)
            {
                progress?.Report(0.05 + 0.85 * done / cells.Count);
            }
        }
        return new RollupPass(result, before, after, rows);
    }

    /// <summary>
    /// Σ (re-rated − ρ × recorded) over the cell's rows in the odd classes, each (package, model, hour of the week)
    /// re-rated as one row. The SQL reads the cell's rows of those packages and hours through the index on
    /// (RegionCode, IndustryCode, Hour), which filters the hour before it reads the row; a row of another class that
    /// the coarser filter lets through has ratio ρ and adds nothing.
    /// </summary>
    private async Task<(decimal Correction, int Rows)> CorrectionAsync(DbConnection connection, string region, string industry,
        List<(int Package, int Model, int Class)> odd, int[] classOfSlot, decimal rho, CancellationToken ct)
    {
        var oddClasses = odd.Select(o => o.Class).ToHashSet();
        var slots = Enumerable.Range(0, HoursPerWeek).Where(s => classOfSlot[s] >= 0 && oddClasses.Contains(classOfSlot[s])).ToArray();
        var oddPackages = odd.Select(o => o.Package).Distinct().ToArray();
        await using var command = connection.CreateCommand();
        var sql = new System.Text.StringBuilder(
            "SELECT Hour, ModelId, PackageId, InputTokens, OutputTokens, RevenueMicros FROM UsageRollups WHERE RegionCode = $region AND IndustryCode = $industry AND Hour >= $from AND Hour < $to");
        if (slots.Length < HoursPerWeek)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {SlotSql} IN ({string.Join(',', slots)})");
        }
        if (!oddPackages.Contains(UnknownPackage))
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND PackageId IN ({string.Join(',', oddPackages)})");
        }
        else if (book.Packages.Keys.Except(oddPackages).ToArray() is { Length: > 0 } evenPackages)
        {
            // Packages the price book does not know are odd (kept as recorded) when ρ ≠ 1: read all but the known even ones.
            sql.Append(CultureInfo.InvariantCulture, $" AND PackageId NOT IN ({string.Join(',', evenPackages)})");
        }
        command.CommandText = sql.ToString();
        AddParameter(command, "$region", region);
        AddParameter(command, "$industry", industry);
        AddParameter(command, "$from", from.Ticks);
        AddParameter(command, "$to", to.Ticks);
        var groups = new Dictionary<(int Slot, int Model, int Package), (long Hour, long Input, long Output, long Micros)>();
        var rows = 0;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var hour = reader.GetInt64(0);
                ref var group = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(groups, (Slot(hour), reader.GetInt32(1), reader.GetInt32(2)), out var existed);
                group = (existed ? group.Hour : hour, group.Input + reader.GetInt64(3), group.Output + reader.GetInt64(4), group.Micros + reader.GetInt64(5));
                rows++;
            }
        }
        decimal correction = 0;
        foreach (var ((_, model, package), g) in groups)
        {
            var context = new UsageContext(package, model, 0, region, industry, CustomerSegment.LargeEnterprise,
                new DateTimeOffset(g.Hour, TimeSpan.Zero), g.Input, g.Output, 0);
            var recorded = Money.FromMicros(g.Micros);
            var (_, rerated) = ImpactSimulator.Rerate(book, current, proposed, context, recorded);
            correction += rerated - rho * recorded;
        }
        return (correction, rows);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
