using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Features.Billing;

namespace TokenConsole.Tests.Billing;

public sealed class BillRunSchedulerTests : BillingTestBed
{
    private BillRunScheduler Scheduler => Services.GetRequiredService<BillRunScheduler>();

    [Fact]
    public async Task The_schedule_bills_the_month_just_ended_once_and_sleeps_until_0010_Beijing_on_the_next_first()
    {
        var c = AddCustomers(1)[0];
        AddFees(c, November, 30, 1_000_000);

        await Scheduler.CatchUpAsync(Ct);
        await Scheduler.CatchUpAsync(Ct);

        Assert.Single(await BillsOfAsync(November));
        await using var db = Database.CreateDbContext();
        Assert.Single(db.BillRuns);
        // 5 December 02:00 UTC → 1 January 00:10 Beijing = 31 December 16:10 UTC.
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 16, 10, 0, TimeSpan.Zero) - Clock.GetUtcNow(), Scheduler.UntilNextRun(Clock.GetUtcNow()));
    }

    [Fact]
    public async Task Before_0010_on_the_first_the_month_is_not_due_and_an_unfinished_older_run_is_resumed()
    {
        var c = AddCustomers(1)[0];
        AddFees(c, October, 31, 1_000_000);
        AddFees(c, November, 30, 1_000_000);
        await using (var db = Database.CreateDbContext())
        {
            db.BillRuns.Add(new BillRun { Period = October.Period, StartedAt = Clock.GetUtcNow(), StartedById = "system:scheduler", StartedByName = "Scheduler" });
            await db.SaveChangesAsync(Ct);
        }
        // 1 December 00:05 Beijing.
        var early = new DateTimeOffset(2026, 11, 30, 16, 5, 0, TimeSpan.Zero);
        Clock.AdjustTime(early);

        await Scheduler.CatchUpAsync(Ct);

        Assert.Single(await BillsOfAsync(October));
        Assert.Empty(await BillsOfAsync(November));
        Clock.AdjustTime(early.AddMinutes(5));
        await Scheduler.CatchUpAsync(Ct);
        Assert.Single(await BillsOfAsync(November));
    }

    private static BillMonth October => November.Previous;
}
