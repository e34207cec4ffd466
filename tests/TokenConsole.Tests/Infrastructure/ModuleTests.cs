using Microsoft.Extensions.Hosting;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Billing;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Customers;
using TokenConsole.Features.Overview;
using TokenConsole.Features.Pricing;
using TokenConsole.Features.Reports;
using TokenConsole.Features.Usage;

namespace TokenConsole.Tests.Infrastructure;

/// <summary>A feature module registers only its own types; another feature's contract (an interface) it may implement.</summary>
public sealed class ModuleTests
{
    public static TheoryData<string> Slices() => ["Catalog", "Compute", "Usage", "Pricing", "Reports", "Admin", "Overview", "Customers", "Billing"];

    private static readonly Dictionary<string, Action<IHostApplicationBuilder>> Modules = new()
    {
        ["Catalog"] = b => b.AddCatalog(),
        ["Compute"] = b => b.AddCompute(),
        ["Usage"] = b => b.AddUsage(),
        ["Pricing"] = b => b.AddPricing(),
        ["Reports"] = b => b.AddReports(),
        ["Admin"] = b => b.AddAdmin(),
        ["Overview"] = b => b.AddOverview(),
        ["Customers"] = b => b.AddCustomers(),
        ["Billing"] = b => b.AddBilling(),
    };

    [Theory]
    [MemberData(nameof(Slices))]
    public void A_feature_module_registers_only_its_own_types(string slice)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var before = builder.Services.Count;
        Modules[slice](builder);

        var own = $"TokenConsole.Features.{slice}";
        var foreign = builder.Services.Skip(before)
            .SelectMany(d => Types(d.ImplementationType).Select(t => (Type: t, Implementation: true)).Concat(Types(d.ServiceType).Select(t => (Type: t, Implementation: false))))
            .Where(t => t.Type.Assembly == typeof(Program).Assembly)
            .Where(t => !(t.Type.Namespace ?? "").StartsWith(own, StringComparison.Ordinal) && (t.Implementation || !t.Type.IsInterface))
            .Select(t => t.Type.FullName)
            .Distinct()
            .ToList();

        Assert.True(foreign.Count == 0, $"{slice} registers types of others: {string.Join(", ", foreign)}");
    }

    private static IEnumerable<Type> Types(Type? type) =>
        type is null ? [] : [type, .. type.GetGenericArguments().SelectMany(Types)];
}
