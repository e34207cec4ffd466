using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Features.Billing;
using static TokenConsole.Tests.Billing.FeeTestData;

namespace TokenConsole.Tests.Billing;

/// <summary>A bill run takes its month's fees whole, even when the fee recognizer has not closed the month's last days yet.</summary>
public sealed class BillRunFeeRecognitionTests : IDisposable
{
    private readonly FeeTestData _data = new();
    private readonly ServiceProvider _services;

    public BillRunFeeRecognitionTests() =>
        _services = new ServiceCollection().AddModules(_data.Database, _data.Clock, b => b.AddBilling()).BuildServiceProvider();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _services.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task A_bill_run_first_recognizes_the_days_of_its_month_the_recognizer_has_not_reached_and_only_those()
    {
        await _data.SeedCustomersAsync(Token);
        var monthly = await _data.AddPackageAsync(1, "M", 299.99m, cancellationToken: Token);
        await _data.AddSubscriptionAsync(1, 1, [(monthly, At(2026, 11, 1), null, Day(2026, 11, 1))], cancellationToken: Token);
        // The recognizer got through 20 November only (its rounds after that failed, say).
        Assert.Equal(20, await _services.GetRequiredService<FeeRecognizer>().RecognizeThroughAsync(Day(2026, 11, 20), Token));

        await _services.GetRequiredService<BillRunService>().RunAsSystemAsync(new BillMonth(2026, 11), cancellationToken: Token);

        await using var db = _data.Database.CreateDbContext();
        Assert.Equal(Day(2026, 11, 30), (await db.JobWatermarks.SingleAsync(w => w.Job == FeeRecognizer.Job, Token)).Through);
        Assert.Equal(30, await db.RevenueDaily.CountAsync(Token)); // each day once
        var bill = await db.Bills.Include(b => b.Lines).SingleAsync(Token);
        var fee = Assert.Single(bill.Lines, l => l.Kind == BillLineKind.Fee);
        Assert.Equal(29_999, fee.AmountFen); // the whole month, not 20 of its 30 days
        Assert.Equal(29_999, bill.TotalFen);
    }
}
