using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenConsole.Data;
using TokenConsole.Data.Cluster;

namespace TokenConsole.Features.Billing;

/// <summary>
/// Runs the bill run for the month just ended at <see cref="BillingOptions.BillRunAt"/> Beijing time on the 1st, as the
/// system. At start-up (and at every wake) it first resumes a run that did not finish (the process was killed) and runs
/// a missed month, so a console that was down at 00:10 on the 1st bills the month when it comes back.
/// </summary>
public sealed class BillRunScheduler(
    BillRunService bills, IDbContextFactory<TokenConsoleDbContext> dbFactory, TimeProvider clock, IOptions<BillingOptions> options, ILogger<BillRunScheduler> logger,
    JobLease? lease = null)
    : BackgroundService
{
    // Built without a host (tests), a job is one instance's and holds the lease.
    private readonly JobLease _lease = lease ?? JobLease.HeldAlone();

    /// <summary>The longest sleep between checks, so a changed clock or a run started elsewhere is noticed.</summary>
    public static readonly TimeSpan MaxSleep = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ScheduleBillRun)
        {
            return;
        }
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan delay;
            // A standby waits here; taking the lease over, it resumes the holder's unfinished run at once.
            await _lease.WhenHeldAsync(stoppingToken);
            try
            {
                await CatchUpAsync(stoppingToken);
                failures = 0;
                delay = UntilNextRun(clock.GetUtcNow());
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures++;
                logger.LogError(e, "The bill run failed; retrying after a back-off");
                delay = Backoff.After(failures);
            }
            if (!await Backoff.WaitAsync(delay < MaxSleep ? delay : MaxSleep, clock, stoppingToken))
            {
                return;
            }
        }
    }

    /// <summary>Resumes every unfinished run, then runs the month just ended once it is due and has no finished run.</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        List<int> unfinished;
        bool due;
        var now = clock.GetUtcNow();
        var last = BillMonth.Containing(now).Previous;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            unfinished = await db.BillRuns.Where(r => r.FinishedAt == null).Select(r => r.Period).Distinct().OrderBy(p => p).ToListAsync(cancellationToken);
            due = now.UtcDateTime >= last.EndUtc + options.Value.BillRunAt
                && !await db.BillRuns.AnyAsync(r => r.Period == last.Period && r.FinishedAt != null, cancellationToken);
        }
        foreach (var period in unfinished)
        {
            logger.LogInformation("Resuming the unfinished bill run for {Period}", period);
            await bills.RunAsSystemAsync(BillMonth.Of(period), cancellationToken: cancellationToken);
        }
        if (due && !unfinished.Contains(last.Period))
        {
            await bills.RunAsSystemAsync(last, cancellationToken: cancellationToken);
        }
    }

    /// <summary>How long until the next month's run is due (00:10 Beijing on the next 1st).</summary>
    public TimeSpan UntilNextRun(DateTimeOffset now)
    {
        var next = BillMonth.Containing(now).EndUtc + options.Value.BillRunAt;
        var wait = new DateTimeOffset(next, TimeSpan.Zero) - now;
        return wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
    }
}
