using System.Collections.Frozen;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Data;
using TokenConsole.Features.Pricing;
using TokenConsole.Features.Usage;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Pricing;

/// <summary>
/// The grouped rollup pass (issue 14) against the row-by-row method it replaces, on the same seeded rollups: the same
/// money to the µ¥, in total and per cell, for changes with hour windows, days, stacking, exclusive and best-price
/// rules, a model scope, a rule that zeroes the price and packages the price book does not price.
/// </summary>
public sealed class GroupedSimulationTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 4, 30, 0, TimeSpan.Zero);
    private static readonly string[] Regions = ["CN-GD", "CN-SH", "CN-BJ"];
    private static readonly string[] Industries = ["finance", "retail"];
    // Package 3 has no overage price and 99 is unknown to the price book: the row-by-row method keeps their rows as recorded.
    private static readonly int[] Packages = [1, 2, 3, 99];

    private readonly TestDatabase _database = new();
    private readonly PriceBookProvider _books = new(null!);
    private readonly RuleSetProvider _ruleSets = new(null!, NullLogger<RuleSetProvider>.Instance);
    private readonly ImpactSimulator _simulator;

    public GroupedSimulationTests()
    {
        _books.Replace(new PriceBook(
            new Dictionary<int, PriceBook.PackagePrices>
            {
                [1] = new(1, 11, 2m, 4m, 1_000_000, new Dictionary<int, decimal> { [3] = 2m }.ToFrozenDictionary()),
                [2] = new(2, 12, 3m, 6.5m, 1_000_000, FrozenDictionary<int, decimal>.Empty),
                [3] = new(3, 13, 1m, 0m, 1_000_000, FrozenDictionary<int, decimal>.Empty),
                // Priced but without usage, and like the top-up packs, priced at zero without usage: nothing to read for either.
                [4] = new(4, 14, 2m, 5m, 1_000_000, FrozenDictionary<int, decimal>.Empty),
                [5] = new(5, 15, 0m, 0m, 1_000_000, FrozenDictionary<int, decimal>.Empty),
            }.ToFrozenDictionary(),
            Enumerable.Range(1, 3).ToFrozenDictionary(m => m, m => new PriceBook.ModelCosts(0.5m, 1m))));
        _ruleSets.Replace(new RuleSetEngine(1, CurrentRules(), FrozenDictionary<int, FrozenSet<long>>.Empty, null));
        _simulator = new ImpactSimulator(_database, _ruleSets, _books, new FakeTimeProvider(Now));
        Seed();
    }

    public void Dispose() => _database.Dispose();

    private static List<PriceRule> CurrentRules() =>
    [
        new() { Name = "gd-exclusive", Priority = 1, Stacking = StackingPolicy.Exclusive, Effect = PriceEffectKind.Percentage, Value = -20, Scope = new() { RegionCodes = ["CN-GD"], IndustryCodes = ["finance"] } },
        new() { Name = "night", Priority = 5, Stacking = StackingPolicy.Stacks, Effect = PriceEffectKind.Percentage, Value = -30, Scope = new() { HourFrom = 22, HourTo = 6 } },
        new() { Name = "weekend-absolute", Priority = 6, Stacking = StackingPolicy.Stacks, Effect = PriceEffectKind.AbsolutePerMTok, Value = -0.5m, Scope = new() { Days = [DayOfWeek.Saturday, DayOfWeek.Sunday] } },
        new() { Name = "best-unit", Priority = 7, Stacking = StackingPolicy.BestPrice, Effect = PriceEffectKind.UnitPrice, Value = 3m, Scope = new() { IndustryCodes = ["retail"] } },
        new() { Name = "best-percent", Priority = 8, Stacking = StackingPolicy.BestPrice, Effect = PriceEffectKind.Percentage, Value = -10, Scope = new() { PackageIds = [2] } },
        new() { Name = "model-3", Priority = 9, Stacking = StackingPolicy.Stacks, Effect = PriceEffectKind.AbsolutePerMTok, Value = 0.75m, Scope = new() { ModelIds = [3] } },
        // Free on Shanghai's early mornings: the current price is zero there, where the old method adds instead of scaling.
        new() { Name = "sh-free", Priority = 2, Stacking = StackingPolicy.Exclusive, Effect = PriceEffectKind.UnitPrice, Value = 0m, Scope = new() { RegionCodes = ["CN-SH"], HourFrom = 6, HourTo = 8 } },
    ];

    public static TheoryData<string> Changes() => new(Proposals.Keys);

    private static readonly Dictionary<string, PriceChangeContent> Proposals = new()
    {
        ["finance daytime stacking"] = new() { Add = [new() { Name = "finance-day", Effect = PriceEffectKind.Percentage, Value = -15, Stacking = StackingPolicy.Stacks, Scope = new() { IndustryCodes = ["finance"], HourFrom = 9, HourTo = 18 } }] },
        ["unscoped stacking"] = new() { Add = [new() { Name = "all", Effect = PriceEffectKind.Percentage, Value = -5, Stacking = StackingPolicy.Stacks }] },
        ["exclusive first"] = new() { Add = [new() { Name = "bj-exclusive", Priority = 1, Effect = PriceEffectKind.UnitPrice, Value = 2.5m, Stacking = StackingPolicy.Exclusive, Scope = new() { RegionCodes = ["CN-BJ"], Days = [DayOfWeek.Monday, DayOfWeek.Tuesday] } }] },
        ["charged where it was free"] = new() { Retire = ["sh-free"], Add = [new() { Name = "weekend-absolute", Effect = PriceEffectKind.AbsolutePerMTok, Value = 1m, Stacking = StackingPolicy.Stacks, Scope = new() { Days = [DayOfWeek.Saturday] } }] },
        ["model scope, best price"] = new() { Add = [new() { Name = "model-1", Effect = PriceEffectKind.Percentage, Value = -40, Stacking = StackingPolicy.BestPrice, Scope = new() { ModelIds = [1], HourFrom = 20, HourTo = 2 } }] },
        ["advanced expression on the hour, one cell (2,016 classes a cell: row by row)"] = new() { Add = [new() { Name = "night-owls", Effect = PriceEffectKind.Percentage, Value = -10, Stacking = StackingPolicy.Stacks, AdvancedExpression = "Fn.Between(u.Hour, 0, 6)", Scope = new() { RegionCodes = ["CN-BJ"], IndustryCodes = ["finance"] } }] },
        ["advanced expression on tokens (row by row)"] = new() { Add = [new() { Name = "big-calls", Effect = PriceEffectKind.Percentage, Value = -7, Stacking = StackingPolicy.Stacks, AdvancedExpression = "u.Tokens > 1500000" }] },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task Grouped_and_row_by_row_give_the_same_money_to_the_micro_yuan(string change)
    {
        var content = Proposals[change];
        var rowByRow = await _simulator.SimulateAsync(content, 14, SimulationMethod.RowByRow, null, Ct);
        var grouped = await _simulator.SimulateAsync(content, 14, SimulationMethod.Grouped, null, Ct);

        Assert.True(rowByRow.RevenueBefore > 0);
        Assert.NotEqual(Micros(rowByRow.RevenueBefore), Micros(rowByRow.RevenueAfter)); // the change moves money
        Assert.Equal(Micros(rowByRow.RevenueBefore), Micros(grouped.RevenueBefore));
        Assert.Equal(Micros(rowByRow.RevenueAfter), Micros(grouped.RevenueAfter));
        Assert.True(Math.Abs(rowByRow.RevenueAfter - grouped.RevenueAfter) < 0.000_000_000_1m, $"{rowByRow.RevenueAfter} vs {grouped.RevenueAfter}");
        var cells = grouped.Cells.ToDictionary(c => (c.Region, c.Industry));
        Assert.Equal(rowByRow.Cells.Count, cells.Count);
        foreach (var cell in rowByRow.Cells)
        {
            Assert.Equal(Micros(cell.Before), Micros(cells[(cell.Region, cell.Industry)].Before));
            Assert.Equal(Micros(cell.After), Micros(cells[(cell.Region, cell.Industry)].After));
        }
        if (content.Add.All(r => r.AdvancedExpression is null))
        {
            // Grouped, it reads only the rows whose ratio differs from their cell's.
            Assert.True(grouped.RollupRows < rowByRow.RollupRows, $"{grouped.RollupRows} rows read of {rowByRow.RollupRows}");
        }
        else
        {
            Assert.Equal(rowByRow.RollupRows, grouped.RollupRows); // tokens differ between a group's rows: row by row
        }
    }

    [Fact]
    public async Task An_unscoped_percentage_stacking_last_reads_only_the_rows_it_cannot_scale()
    {
        var grouped = await _simulator.SimulateAsync(Proposals["unscoped stacking"], 14, SimulationMethod.Grouped, null, Ct);
        var rowByRow = await _simulator.SimulateAsync(Proposals["unscoped stacking"], 14, SimulationMethod.RowByRow, null, Ct);
        // Left to read: GD finance (its exclusive rule ignores the new one), SH's free hours, packages 3 and 99.
        Assert.InRange(grouped.RollupRows, 1, rowByRow.RollupRows / 2);
    }

    [Fact]
    public async Task Only_the_package_and_model_pairs_with_usage_in_the_period_are_priced_and_read()
    {
        var to = BusinessCalendar.DayStartUtc(Now.UtcDateTime).AddDays(1);
        var from = to.AddDays(-7);
        using (var db = _database.CreateDbContext())
        {
            // Package 4's usage lies before the period; package 5 has only a fee row (model 0) in it.
            db.PackageModelDaily.Add(new PackageModelDaily { Day = from.AddDays(-1), PackageId = 4, ModelId = 1, Tokens = 10, Calls = 1 });
            db.PackageModelDaily.Add(new PackageModelDaily { Day = from.AddDays(2), PackageId = 5, ModelId = 0, FeeMicros = 1_000_000 });
            db.SaveChanges();
        }
        await using var read = _database.CreateDbContext();

        var used = await GroupedRollupRerating.UsedPairsAsync(read, from, to, Ct);

        var expected = read.UsageRollups.Where(r => r.Hour >= from && r.Hour < to).Select(r => new { r.PackageId, r.ModelId }).Distinct().AsEnumerable()
            .Select(r => (r.PackageId, r.ModelId)).Order().ToList();
        Assert.Equal(expected, used.Order().ToList());
        Assert.DoesNotContain(used, u => u.Package is 4 or 5);
        Assert.Contains(used, u => u.Package == 99); // unknown to the price book, but it has rows: kept as recorded, so read when ρ ≠ 1
    }

    [Fact]
    public async Task Progress_rises_to_one()
    {
        var progress = new List<double>();
        await _simulator.SimulateAsync(Proposals["finance daytime stacking"], 14, SimulationMethod.Grouped, new Recorder(progress), Ct);
        Assert.True(progress.Count >= 3, $"{progress.Count} reports");
        Assert.Equal(progress.OrderBy(p => p), progress);
        Assert.Equal(1.0, progress[^1]);
    }

    private static long Micros(decimal yuan) => Money.RoundMicros(yuan * Money.MicrosPerYuan);

    /// <summary>Two weeks of hourly rollups over 3 regions × 2 industries × 3 models × 4 packages, and the daily table as the writer keeps it.</summary>
    private void Seed()
    {
        var random = new Random(14);
        var first = BusinessCalendar.DayStartUtc(Now.UtcDateTime).AddDays(-14);
        var daily = new Dictionary<(DateTime, string, string), RegionIndustryDaily>();
        using var db = _database.CreateDbContext();
        for (var hour = first; hour < Now.UtcDateTime; hour = hour.AddHours(1))
        {
            foreach (var region in Regions)
            {
                foreach (var industry in Industries)
                {
                    for (var model = 1; model <= 3; model++)
                    {
                        foreach (var package in Packages)
                        {
                            if (random.NextDouble() < 0.4)
                            {
                                continue;
                            }
                            long input = random.Next(1_000, 2_000_000), output = random.Next(100, 500_000);
                            var revenue = random.NextDouble() < 0.3 ? 0 : (input + output) * random.Next(1, 8) + random.Next(0, 1000);
                            db.UsageRollups.Add(new UsageRollup
                            {
                                Hour = hour, RegionCode = region, IndustryCode = industry, ModelId = model, PackageId = package, PoolId = 1,
                                InputTokens = input, OutputTokens = output, Calls = 3, RevenueMicros = revenue, ComputeCostMicros = 10,
                            });
                            var day = BusinessCalendar.DayStartUtc(hour);
                            if (!daily.TryGetValue((day, region, industry), out var cell))
                            {
                                daily[(day, region, industry)] = cell = new RegionIndustryDaily { Day = day, RegionCode = region, IndustryCode = industry };
                            }
                            cell.Tokens += input + output;
                            cell.Calls += 3;
                            cell.RevenueMicros += revenue;
                        }
                    }
                }
            }
        }
        db.RegionIndustryDaily.AddRange(daily.Values);
        db.PackageModelDaily.AddRange(WriterCells.PackageModelsOf(db.UsageRollups.Local));
        db.RegionIndustryHourly.AddRange(WriterCells.HourlyCellsOf(db.UsageRollups.Local));
        db.SaveChanges();
    }

    private sealed class Recorder(List<double> values) : IProgress<double>
    {
        public void Report(double value) => values.Add(value);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
