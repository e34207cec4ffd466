namespace TokenConsole.Features.Customers;

/// <summary>
/// Customers, their subscriptions (terms, allowance buckets, top-ups) and threshold notifications. Changes to
/// customers and subscriptions are published as <see cref="Data.ReferenceDataKind.Customer"/> and
/// <see cref="Data.ReferenceDataKind.Subscription"/> changes, which ingestion reloads.
/// </summary>
public static class CustomersModule
{
    public static void AddCustomers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<SubscriptionService>();
        builder.Services.AddScoped<CustomerService>();
        builder.Services.AddScoped<CustomerQueries>();
        builder.Services.AddSingleton<ICustomerSearch, SqliteCustomerSearch>();
    }

    public static void MapCustomers(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
    }
}
