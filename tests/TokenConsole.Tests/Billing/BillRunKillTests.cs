using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Billing;

namespace TokenConsole.Tests.Billing;

/// <summary>
/// A bill run killed the hard way (SIGKILL of the real application's process) in the middle of its batches resumes at
/// the next start and issues each bill exactly once. The run is the one the schedule starts by itself at start-up for
/// the month just ended; a pause after each batch keeps it running long enough to be killed mid-way.
/// </summary>
/// <remarks>On the pass's provider: a SQLite file, or a PostgreSQL database.</remarks>
public sealed class BillRunKillTests : IDisposable
{
    private readonly TestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private Dictionary<string, string> Environment(bool schedule, string pause) => new()
    {
        ["Database__Provider"] = _database.Provider.ToString(),
        ["ConnectionStrings__TokenConsole"] = _database.ConnectionString,
        ["Demo__Days"] = "2",
        ["Demo__Customers"] = "300",
        ["Demo__CallsPerDay"] = "2000",
        ["Demo__EventHours"] = "1",
        ["Billing__ScheduleBillRun"] = schedule ? "true" : "false",
        ["Billing__BillRunBatchSize"] = "10",
        ["Billing__BillRunBatchPause"] = pause,
    };

    private TokenConsoleDbContext Db() => _database.CreateDbContext();

    [Fact]
    public async Task A_bill_run_killed_mid_way_resumes_at_the_next_start_and_issues_each_bill_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var month = BillMonth.Containing(DateTimeOffset.UtcNow).Previous;

        // First start: the database and its demo data, without the schedule. Then every customer gets a month of fees.
        await using (var app = await AppProcess.StartAsync(Environment(schedule: false, "00:00:00")))
        {
            await app.KillAsync();
        }
        int customers;
        await using (var db = Db())
        {
            // Whatever the demo data billed already is not this test's: it starts from a month with no bills.
            await db.BillLines.ExecuteDeleteAsync(ct);
            await db.CreditNotes.ExecuteDeleteAsync(ct);
            await db.Bills.ExecuteDeleteAsync(ct);
            await db.BillRuns.ExecuteDeleteAsync(ct);
            // The fees the recognizer wrote for the month are replaced by this test's own, one known fee per customer.
            await db.RevenueDaily.Where(r => r.Day >= month.StartUtc && r.Day < month.EndUtc).ExecuteDeleteAsync(ct);
            var all = await db.Customers.AsNoTracking().ToListAsync(ct);
            var packageId = await db.Packages.OrderBy(p => p.Id).Select(p => p.Id).FirstAsync(ct);
            db.RevenueDaily.AddRange(all.Select(c => new RevenueDaily
            {
                Day = month.StartUtc.AddDays(2), CustomerId = c.Id, PackageId = packageId, RegionCode = c.RegionCode, IndustryCode = c.IndustryCode, FeeMicros = 1_230_000,
            }));
            await db.SaveChangesAsync(ct);
            customers = all.Count;
        }

        // Second start: the schedule finds the month unbilled and runs it, 10 customers a batch, 150 ms apart: killed mid-way.
        await using (var app = await AppProcess.StartAsync(Environment(schedule: true, "00:00:00.150")))
        {
            var waited = Stopwatch.StartNew();
            while (await CountAsync(month, ct) < 30 && waited.Elapsed < TimeSpan.FromMinutes(1))
            {
                await Task.Delay(20, ct);
            }
            await app.KillAsync();
        }
        var atKill = await CountAsync(month, ct);
        await using (var db = Db())
        {
            Assert.InRange(atKill, 30, customers - 1);
            Assert.Null((await db.BillRuns.SingleAsync(r => r.Period == month.Period, ct)).FinishedAt);
        }

        // Third start: the unfinished run is resumed and finishes; every customer has exactly one bill of ¥1.23.
        await using (var app = await AppProcess.StartAsync(Environment(schedule: true, "00:00:00")))
        {
            var waited = Stopwatch.StartNew();
            while (!await FinishedAsync(month, ct) && waited.Elapsed < TimeSpan.FromMinutes(1))
            {
                await Task.Delay(100, ct);
            }
        }
        await using (var db = Db())
        {
            var run = await db.BillRuns.SingleAsync(r => r.Period == month.Period, ct);
            Assert.NotNull(run.FinishedAt);
            var bills = await db.Bills.Where(b => b.Period == month.Period).Select(b => new { b.CustomerId, b.TotalFen }).ToListAsync(ct);
            Assert.Equal(customers, bills.Count);
            Assert.Equal(customers, bills.Select(b => b.CustomerId).Distinct().Count());
            Assert.Equal((customers, customers), (run.BillsIssued, run.Customers));
            Assert.All(bills, b => Assert.True(b.TotalFen >= 123));
            Assert.Equal(customers, await db.BillLines.CountAsync(l => l.Kind == BillLineKind.Fee && db.Bills.Any(b => b.Id == l.BillId && b.Period == month.Period), ct));
        }
    }

    private async Task<int> CountAsync(BillMonth month, CancellationToken ct)
    {
        await using var db = Db();
        return await db.Bills.CountAsync(b => b.Period == month.Period, ct);
    }

    private async Task<bool> FinishedAsync(BillMonth month, CancellationToken ct)
    {
        await using var db = Db();
        return await db.BillRuns.AnyAsync(r => r.Period == month.Period && r.FinishedAt != null, ct);
    }
}
