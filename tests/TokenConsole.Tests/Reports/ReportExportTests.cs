using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Xml.Linq;
using CsvHelper;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using TokenConsole.Data;
using TokenConsole.Features.Reports;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Reports;

/// <summary>The exports over real HTTP, read back: valid files with the numbers of the report.</summary>
public sealed class ReportExportTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(ReportPeriod Period, ReportData Data)> LastWeekAsync()
    {
        // The test data covers the last 14 days; a custom 7-day period has data in it and in the 7 days before.
        using var scope = factory.Services.CreateScope();
        var reports = scope.ServiceProvider.GetRequiredService<ReportsService>();
        var today = reports.Today();
        var period = new ReportPeriod(today.AddDays(-7), today.AddDays(-1));
        return (period, await reports.GetAsync(period, Ct));
    }

    [Fact]
    public async Task The_workbook_has_a_sheet_per_table_with_typed_numbers_equal_to_the_report()
    {
        var (period, data) = await LastWeekAsync();
        Assert.True(data.Kpis.Tokens.Value > 0 && data.Kpis.Tokens.Previous > 0, "The test data should cover both weeks.");
        using var client = await factory.SignedInClientAsync("exec");

        var response = await client.GetAsync($"/reports/export.xlsx?{period.Query}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ReportExporter.XlsxContentType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"tokenconsole-report-{period.FileStem}.xlsx", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);
        using var file = new MemoryStream(await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(["Summary", "Revenue by kind", "Daily", "Regions", "Industries", "Segments", "Models", "Packages", "Margins", "Top customers"], MiniExcel.GetSheetNames(file));

        file.Position = 0;
        var summary = MiniExcel.Query(file, useHeaderRow: true, sheetName: "Summary").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal("Tokens", summary[0]["Metric"]);
        Assert.Equal(data.Kpis.Tokens.Value, Convert.ToDecimal(summary[0]["This period"], CultureInfo.InvariantCulture));
        Assert.Equal(data.Kpis.Tokens.Previous, Convert.ToDecimal(summary[0]["Previous period"], CultureInfo.InvariantCulture));
        Assert.Equal(Money.ToFen(data.Kpis.Revenue.Value), Convert.ToDecimal(summary[1]["This period"], CultureInfo.InvariantCulture));
        Assert.Equal(data.Kpis.ActiveCustomers.Value, Convert.ToDecimal(summary[4]["This period"], CultureInfo.InvariantCulture));

        file.Position = 0;
        var regions = MiniExcel.Query(file, useHeaderRow: true, sheetName: "Regions").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(data.Regions.Count, regions.Count);
        foreach (var (row, expected) in regions.Zip(data.Regions))
        {
            Assert.Equal(expected.Key, row["Code"]);
            Assert.Equal(expected.Tokens, Convert.ToInt64(row["Tokens"], CultureInfo.InvariantCulture));
            Assert.Equal(Money.ToFen(expected.Revenue), Convert.ToDecimal(row["Revenue (CNY)"], CultureInfo.InvariantCulture));
        }

        file.Position = 0;
        var daily = MiniExcel.Query(file, useHeaderRow: true, sheetName: "Daily").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(7, daily.Count);
        Assert.Equal(data.Daily.Sum(d => d.Tokens), daily.Sum(d => Convert.ToInt64(d["Tokens"], CultureInfo.InvariantCulture)));

        // Numbers are numeric cells, not text: no t="s"/"str"/"inlineStr" on the token cells of the Regions sheet (the fourth, after Summary, Revenue by kind and Daily).
        file.Position = 0;
        using var zip = new ZipArchive(file, ZipArchiveMode.Read);
        var sheet = XDocument.Load(zip.GetEntry("xl/worksheets/sheet4.xml")!.Open());
        XNamespace ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        var tokenCell = sheet.Descendants(ns + "row").Skip(1).First().Elements(ns + "c").ElementAt(2);
        Assert.True(tokenCell.Attribute("t") is null || tokenCell.Attribute("t")!.Value == "n", tokenCell.ToString());
        Assert.Equal(data.Regions[0].Tokens.ToString(CultureInfo.InvariantCulture), tokenCell.Element(ns + "v")!.Value);
    }

    [Fact]
    public async Task Each_table_exports_as_csv_with_the_same_numbers()
    {
        var (period, data) = await LastWeekAsync();
        using var client = await factory.SignedInClientAsync("pm");
        foreach (var table in ReportTables.Ids)
        {
            var response = await client.GetAsync($"/reports/export.csv?{period.Query}&table={table}", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"tokenconsole-report-{period.FileStem}-{table}.csv", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);
            var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
            Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        }

        var industries = await client.GetByteArrayAsync($"/reports/export.csv?{period.Query}&table=industries", Ct);
        using var reader = CsvReader.Create(industries);
        var rows = new List<(string Code, long Tokens, decimal Revenue)>();
        foreach (var _ in reader)
        {
            rows.Add((reader.GetString("Code"), reader.Parse<long>("Tokens"), reader.Parse<decimal>("Revenue (CNY)")));
        }
        Assert.Equal(data.Industries.Select(i => (i.Key, i.Tokens, Money.ToFen(i.Revenue))), rows);
    }

    [Fact]
    public async Task The_exports_follow_the_language_of_the_reader()
    {
        var (period, _) = await LastWeekAsync();
        using var client = await factory.SignedInClientAsync("exec");
        client.DefaultRequestHeaders.Add("Cookie", ".AspNetCore.Culture=c%3Dzh-CN%7Cuic%3Dzh-CN");
        var xlsx = await client.GetByteArrayAsync($"/reports/export.xlsx?{period.Query}", Ct);
        using var file = new MemoryStream(xlsx);
        Assert.Equal(["汇总", "收入构成", "每日", "地区", "行业", "客群", "模型", "套餐", "毛利", "头部客户"], MiniExcel.GetSheetNames(file));
        var csv = Encoding.UTF8.GetString(await client.GetByteArrayAsync($"/reports/export.csv?{period.Query}&table=segments", Ct));
        Assert.Contains("收入（元）", csv, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/reports/export.xlsx")]
    [InlineData("/reports/export.xlsx?from=2026-10-01")]
    [InlineData("/reports/export.xlsx?from=2026-10-31&to=2026-10-01")]
    [InlineData("/reports/export.xlsx?from=2026-02-30&to=2026-03-01")]
    [InlineData("/reports/export.xlsx?from=2020-01-01&to=2026-01-01")]
    [InlineData("/reports/export.csv?from=2026-10-01&to=2026-10-31")]
    [InlineData("/reports/export.csv?from=2026-10-01&to=2026-10-31&table=secrets")]
    [InlineData("/reports/export.csv?from=%27;drop&to=2026-10-31&table=regions")]
    public async Task Bad_parameters_get_a_problem_response_not_a_500(string url)
    {
        using var client = await factory.SignedInClientAsync("ops");
        var response = await client.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("\"status\":400", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exports_need_a_signed_in_person()
    {
        using var client = factory.CreateBrowserLikeClient();
        var response = await client.GetAsync("/reports/export.xlsx?from=2026-10-01&to=2026-10-31", Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }
}
