using TokenConsole.Auth;
using TokenConsole.Components;
using TokenConsole.Data;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Billing;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Customers;
using TokenConsole.Features.Overview;
using TokenConsole.Features.Pricing;
using TokenConsole.Features.Reports;
using TokenConsole.Features.Usage;
using TokenConsole.Localization;

var builder = WebApplication.CreateBuilder(args);

// Serves _framework and _content assets from the build output too when run outside Development (`dotnet run`).
builder.WebHost.UseStaticWebAssets();

builder.AddData();
builder.AddConsoleLocalization();
builder.AddAuth();
builder.AddSecurityHeaders();
builder.AddUi();
builder.AddOverview();
builder.AddCatalog();
builder.AddCompute();
builder.AddUsage();
builder.AddPricing();
builder.AddCustomers();
builder.AddBilling();
builder.AddReports();
builder.AddAdmin();

var app = builder.Build();

await app.InitializeDatabaseAsync();

app.UseConsoleSecurityHeaders();
app.UseConsolePipeline();
app.MapAuth();
app.MapConsoleLocalization();
app.MapData();
app.MapOverview();
app.MapCatalog();
app.MapCompute();
app.MapUsage();
app.MapPricing();
app.MapCustomers();
app.MapBilling();
app.MapReports();
app.MapAdmin();
app.MapUi();

app.Run();

/// <summary>Entry point; public so that host tests can use <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
