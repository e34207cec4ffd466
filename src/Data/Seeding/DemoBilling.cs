using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Auth;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Billing;

namespace TokenConsole.Data.Seeding;

/// <summary>
/// The billing side of the demo data, made by the console's own services after the usage is written, so it is what the
/// console would have produced: fees and top-ups recognized through yesterday, the last three full Beijing months billed
/// (finished <see cref="BillRun"/> rows, so the scheduler's catch-up at start finds nothing to do), and a few credit notes
/// proposed by the demo account manager: three small ones approved by policy (two already applied on a later bill, one
/// waiting for the next bill) and one above the approval threshold waiting for the executive.
/// </summary>
internal static class DemoBilling
{
    /// <summary>RevenueDaily's (CustomerId, Day) index, built after the fee catch-up (SQLite, as the rest of the seeder).</summary>
    private const string CustomerIndexOfFees = "IX_RevenueDaily_CustomerId_Day";

    public static async Task SeedAsync(IServiceProvider services, DateTimeOffset historyStart, DateTimeOffset now, Actor? accountManager, ILogger logger,
        CancellationToken cancellationToken)
    {
        // The first-start budget is tight: say where the billing side's time goes.
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var last = BillMonth.Containing(now).Previous;
        var first = last.Previous.Previous;
        var dbFactory = services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>();
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // The demo's books open with its usage history or its first billed month, whichever is earlier: fees from there
            // on (the subscriptions that began before would otherwise add months of fees no page reads, on every first start).
            var opening = BusinessCalendar.DayStartUtc(historyStart.UtcDateTime) < first.StartUtc ? BusinessCalendar.DayStartUtc(historyStart.UtcDateTime) : first.StartUtc;
            db.JobWatermarks.Add(new JobWatermark { Job = FeeRecognizer.Job, Through = opening.AddDays(-1) });
            await db.SaveChangesAsync(cancellationToken);
        }
        var yesterday = BusinessCalendar.DayStartUtc(now.UtcDateTime).AddDays(-1);
        int days;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // The catch-up writes a row per customer, package and day (1.9M for 20,000 customers): each day's rows land at
            // the end of the table's key but all over its customer index, and every commit rewrote that index's pages.
            // Built once after the rows instead, the catch-up at 20,000 customers took 12.7 s instead of 17.3 s.
            var index = await db.Database.SqlQueryRaw<string>(db.Database.IsSqlite()
                ? "SELECT sql AS \"Value\" FROM sqlite_master WHERE type = 'index' AND name = {0}"
                : "SELECT indexdef AS \"Value\" FROM pg_indexes WHERE schemaname = current_schema() AND indexname = {0}", CustomerIndexOfFees).SingleAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync($"DROP INDEX \"{CustomerIndexOfFees}\"", cancellationToken);
            try
            {
                days = await services.GetRequiredService<FeeRecognizer>().RecognizeThroughAsync(yesterday, cancellationToken);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync(index, CancellationToken.None);
            }
        }
        var recognized = stopwatch.ElapsedMilliseconds;

        var runs = services.GetRequiredService<BillRunService>();
        var credits = services.GetRequiredService<CreditNoteService>();
        var am = accountManager is null ? null : new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, accountManager.Id), new Claim(ClaimTypes.Name, "am"), new Claim(ConsoleClaimsFactory.DisplayNameClaim, accountManager.Name), new Claim(ClaimTypes.Role, Roles.AccountManager)], "demo"));
        for (var month = first; month.Period <= last.Period; month = month.Next)
        {
            await runs.RunAsSystemAsync(month, cancellationToken: cancellationToken);
            if (am is null)
            {
                continue;
            }
            if (month == first)
            {
                // Approved at once (below the threshold) and applied on the next month's bill of the customer.
                await ProposeAsync(credits, dbFactory, am, month, 128.00m, "Service interruption on 3 days: goodwill credit agreed with the customer.", rank: 0, cancellationToken);
            }
            if (month == first.Next)
            {
                await ProposeAsync(credits, dbFactory, am, month, 450.00m, "Overage billed on a model the customer's contract prices lower: difference credited.", rank: 2, cancellationToken);
            }
            if (month == last)
            {
                // Approved at once and waiting for the next bill.
                await ProposeAsync(credits, dbFactory, am, month, 300.00m, "Duplicate top-up charged after a payment retry.", rank: 1, cancellationToken);
                // Above ¥1,000: pending the executive's approval (pending reviews).
                await ProposeAsync(credits, dbFactory, am, month, 1_800.00m, "SLA below 99.95 % in the month: service credit per contract.", rank: 0, cancellationToken);
            }
        }
        logger.LogInformation("Demo billing: fees of {Days} days recognized in {Fees} ms, three months billed and credit notes proposed in {Bills} ms",
            days, recognized, stopwatch.ElapsedMilliseconds - recognized);
    }

    /// <summary>Proposes a credit note against a bill of the month that can bear it (the <paramref name="rank"/>-th by id of those at least 1.25× the amount).</summary>
    private static async Task ProposeAsync(CreditNoteService credits, IDbContextFactory<TokenConsoleDbContext> dbFactory, ClaimsPrincipal am, BillMonth month,
        decimal amount, string reason, int rank, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var fen = (long)(amount * 125);
        var bill = await db.Bills.AsNoTracking().Where(b => b.Period == month.Period && b.TotalFen >= fen && !db.CreditNotes.Any(c => c.BillId == b.Id))
            .OrderBy(b => b.Id).Skip(rank).FirstOrDefaultAsync(cancellationToken);
        if (bill is not null)
        {
            await credits.ProposeAsync(am, bill.Id, amount, reason, cancellationToken);
        }
    }
}
