using TokenConsole.Auth;

namespace TokenConsole.Features.Reports;

/// <summary>
/// The report as files: <c>GET /reports/export.xlsx?from=2026-10-01&amp;to=2026-10-31</c> (every table, a sheet each) and
/// <c>GET /reports/export.csv?from=…&amp;to=…&amp;table=regions</c> (one table). Same policy as the report page; a bad
/// parameter gets an RFC 7807 problem (400), never a 500.
/// </summary>
public static class ReportEndpoints
{
    public static void MapReportExports(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/reports").RequireAuthorization(Policies.Read);

        group.MapGet("/export.xlsx", async (string? from, string? to, ReportExporter exporter, HttpContext context, CancellationToken cancellationToken) =>
        {
            if (!ReportPeriod.TryParse(from, to, out var period, out var error))
            {
                return BadRequest(error);
            }
            var tables = await exporter.TablesAsync(period, cancellationToken);
            var buffer = new MemoryStream();
            await ReportExporter.WriteXlsxAsync(tables, buffer, cancellationToken);
            buffer.Position = 0;
            return Results.File(buffer, ReportExporter.XlsxContentType, ReportExporter.FileName(period, "xlsx"));
        });

        group.MapGet("/export.csv", async (string? from, string? to, string? table, ReportExporter exporter, CancellationToken cancellationToken) =>
        {
            if (!ReportPeriod.TryParse(from, to, out var period, out var error))
            {
                return BadRequest(error);
            }
            if (table is null || !ReportTables.Ids.Contains(table))
            {
                return BadRequest($"'table' must be one of: {string.Join(", ", ReportTables.Ids)}.");
            }
            var tables = await exporter.TablesAsync(period, cancellationToken);
            var buffer = new MemoryStream();
            await ReportExporter.WriteCsvAsync(tables.Single(t => t.Id == table), buffer, cancellationToken);
            buffer.Position = 0;
            return Results.File(buffer, "text/csv; charset=utf-8", ReportExporter.FileName(period, "csv", table));
        });
    }

    private static IResult BadRequest(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid report parameters", detail: detail);
}
