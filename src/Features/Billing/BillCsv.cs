using System.Globalization;
using CsvHelper;

namespace TokenConsole.Features.Billing;

/// <summary>
/// A bill as CSV (CsvHelper, as the report exports): the header fields, one row per line, then 金额 / 税额 / 价税合计.
/// UTF-8 with a BOM so that spreadsheet programs read the Chinese names; amounts in yuan to the fen.
/// </summary>
public static class BillCsv
{
    public static async Task WriteAsync(BillView view, Stream stream, CancellationToken cancellationToken = default)
    {
        var bill = view.Bill;
        // Customer names come from people: a leading = or + must not run as a spreadsheet formula.
        var options = new CsvWriterOptions { WriteByteOrderMark = true, FormatProvider = CultureInfo.InvariantCulture, Injection = CsvInjection.Escape };
        await using var csv = CsvWriter.Create(stream, options, leaveOpen: true);
        await csv.WriteRecordAsync(Row("Bill no. 账单号", bill.BillNo), cancellationToken);
        await csv.WriteRecordAsync(Row("Customer 客户", view.Customer.Code, view.Customer.Name, view.Customer.NameZh), cancellationToken);
        await csv.WriteRecordAsync(Row("Month 账期", bill.Period.ToString(CultureInfo.InvariantCulture)), cancellationToken);
        await csv.WriteRecordAsync(Row("Issued at 开具时间", bill.IssuedAt.ToOffset(Data.BusinessCalendar.Offset).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)), cancellationToken);
        await csv.WriteRecordAsync(Row("No.", "Kind", "Description", "Usage month", "Quantity", "Unit price (CNY)", "Amount (CNY)", "Price rules effect (CNY)", "Detail"), cancellationToken);
        foreach (var line in bill.Lines)
        {
            await csv.WriteRecordAsync(Row(
                line.Number.ToString(CultureInfo.InvariantCulture), line.Kind.ToString(), BillEndpoints.LineName(view, line),
                line.UsageMonth?.ToString(CultureInfo.InvariantCulture) ?? "", line.Quantity.ToString(CultureInfo.InvariantCulture),
                line.UnitPrice.ToString(CultureInfo.InvariantCulture), Fen(line.AmountFen),
                line.RulesEffectMicros == 0 ? "" : BillEndpoints.Yuan(Data.Money.ToFen(line.RulesEffectMicros)).ToString(CultureInfo.InvariantCulture),
                BillEndpoints.RulesDetail(line) ?? ""), cancellationToken);
        }
        await csv.WriteRecordAsync(Row("Amount before tax 金额", Fen(bill.NetFen)), cancellationToken);
        await csv.WriteRecordAsync(Row($"VAT 税额 ({(bill.VatRate * 100).ToString("0.##", CultureInfo.InvariantCulture)} %)", Fen(bill.TaxFen)), cancellationToken);
        await csv.WriteRecordAsync(Row("Total 价税合计", Fen(bill.TotalFen)), cancellationToken);
        await csv.FlushAsync(cancellationToken);
    }

    private const int Columns = 9;

    /// <summary>Every record as wide as the lines' (RFC 4180: the same number of fields in each), the rest empty.</summary>
    private static string[] Row(params string[] fields) => [.. fields, .. Enumerable.Repeat("", Columns - fields.Length)];

    private static string Fen(long fen) => BillEndpoints.Yuan(fen / 100m).ToString(CultureInfo.InvariantCulture);
}
