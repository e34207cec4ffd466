using TokenConsole.Data;
using TokenConsole.Features.Usage;

namespace TokenConsole.Features.Billing;

/// <summary>
/// Adds recognized fee, top-up or credit revenue of one day to the rollups that hold it — the customer and package
/// row (<see cref="Billing.RevenueDaily"/>), the heatmap's region × industry cell (<see cref="RegionIndustryDaily"/>)
/// and its month (<see cref="RegionIndustryMonthly"/>),
/// the report's package row (<see cref="PackageModelDaily"/>) and its customer month (<see cref="CustomerMonthly"/>) —
/// in the caller's DbContext, so it is saved in the caller's transaction with the change that caused it.
/// For one change at a time (a credit note approved); the fee recognizer writes a whole day set-based.
/// </summary>
public static class RevenueLedger
{
    public static async Task AddAsync(TokenConsoleDbContext db, DateTime day, Customer customer, int packageId,
        long feeMicros, long topUpMicros, long creditMicros, CancellationToken cancellationToken)
    {
        var row = await db.RevenueDaily.FindAsync([day, customer.Id, packageId], cancellationToken);
        if (row is null)
        {
            row = new RevenueDaily { Day = day, CustomerId = customer.Id, PackageId = packageId, RegionCode = customer.RegionCode, IndustryCode = customer.IndustryCode };
            db.RevenueDaily.Add(row);
        }
        row.FeeMicros += feeMicros;
        row.TopUpMicros += topUpMicros;
        row.CreditMicros += creditMicros;

        var cell = await db.RegionIndustryDaily.FindAsync([day, row.RegionCode, row.IndustryCode], cancellationToken);
        if (cell is null)
        {
            cell = new RegionIndustryDaily { Day = day, RegionCode = row.RegionCode, IndustryCode = row.IndustryCode };
            db.RegionIndustryDaily.Add(cell);
        }
        cell.FeeMicros += feeMicros;
        cell.TopUpMicros += topUpMicros;
        cell.CreditMicros += creditMicros;

        // Model 0: a fee buys an allowance, not a model.
        var package = await db.PackageModelDaily.FindAsync([day, packageId, 0], cancellationToken);
        if (package is null)
        {
            package = new PackageModelDaily { Day = day, PackageId = packageId, ModelId = 0 };
            db.PackageModelDaily.Add(package);
        }
        package.FeeMicros += feeMicros;
        package.TopUpMicros += topUpMicros;
        package.CreditMicros += creditMicros;

        var month = BusinessCalendar.MonthStartUtc(day);
        var cellMonth = await db.RegionIndustryMonthly.FindAsync([month, row.RegionCode, row.IndustryCode], cancellationToken);
        if (cellMonth is null)
        {
            cellMonth = new RegionIndustryMonthly { Month = month, RegionCode = row.RegionCode, IndustryCode = row.IndustryCode };
            db.RegionIndustryMonthly.Add(cellMonth);
        }
        cellMonth.FeeMicros += feeMicros;
        cellMonth.TopUpMicros += topUpMicros;
        cellMonth.CreditMicros += creditMicros;

        var customerMonth = await db.CustomerMonthly.FindAsync([month, customer.Id], cancellationToken);
        if (customerMonth is null)
        {
            customerMonth = new CustomerMonthly { Month = month, CustomerId = customer.Id };
            db.CustomerMonthly.Add(customerMonth);
        }
        customerMonth.FeeMicros += feeMicros;
        customerMonth.TopUpMicros += topUpMicros;
        customerMonth.CreditMicros += creditMicros;
    }
}
