namespace TokenConsole.Features.Billing;

/// <summary>
/// Prices are tax-inclusive (China's VAT on information services is 6 %): the VAT in a total T is T × r / (1 + r),
/// rounded once to the fen, and the amount before tax is T minus it, so 金额 + 税额 = 价税合计 exactly.
/// </summary>
public static class Vat
{
    public static (long NetFen, long TaxFen) Split(long totalFen, decimal rate)
    {
        var tax = (long)decimal.Round(totalFen * rate / (1 + rate), 0, MidpointRounding.AwayFromZero);
        return (totalFen - tax, tax);
    }
}
