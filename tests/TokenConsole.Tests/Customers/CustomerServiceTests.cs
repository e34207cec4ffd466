using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Customers;
using TokenConsole.Tests.Infrastructure;
using static TokenConsole.Tests.Customers.CustomersTestBed;

namespace TokenConsole.Tests.Customers;

/// <summary>Creating and editing customers: the rules hold whatever the page sends, and every change is audited.</summary>
public sealed class CustomerServiceTests : IDisposable
{
    private readonly CustomersTestBed _bed = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _bed.Dispose();

    private static CustomerForm NewForm(string code = "c-new-1") => new()
    {
        Code = code, Name = "  New Energy Ltd ", NameZh = "新能源有限公司", Segment = CustomerSegment.Sme, IndustryCode = "finance", RegionCode = "CN-GD",
    };

    private Task<Customer> CustomerAsync(string code) => _bed.ReadAsync(db => db.Customers.AsNoTracking().SingleAsync(c => c.Code == code, Ct));

    [Fact]
    public async Task A_new_customer_gets_an_upper_case_code_its_creator_as_account_manager_and_an_audit_entry()
    {
        var code = await _bed.Customers.SaveAsync(Am, NewForm(), Ct).OkAsync();

        Assert.Equal("C-NEW-1", code);
        var customer = await CustomerAsync("C-NEW-1");
        Assert.Equal("New Energy Ltd", customer.Name);
        Assert.Equal("am-1", customer.AccountManagerId);
        Assert.Equal(CustomerStatus.Active, customer.Status);
        Assert.Equal(Now, customer.CreatedAt);
        var audit = await _bed.ReadAsync(db => db.AuditEntries.SingleAsync(a => a.Action == AuditActions.CustomerCreated, Ct));
        Assert.Equal(("Customer", customer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "am-1"), (audit.EntityType, audit.EntityId, audit.ActorId));
        Assert.Null(audit.BeforeJson);
        Assert.Contains("\"Code\":\"C-NEW-1\"", audit.AfterJson, StringComparison.Ordinal);
        Assert.Contains(ReferenceDataKind.Customer, _bed.Signal.Published);
    }

    [Fact]
    public async Task A_code_another_customer_holds_in_any_case_is_refused_next_to_the_code()
    {
        await _bed.Customers.SaveAsync(Am, NewForm("C-ONE"), Ct).OkAsync();

        var refused = await _bed.Customers.SaveAsync(Am2, NewForm("c-one"), Ct).RefusedAsync();

        Assert.Equal(("Another customer already uses this code.", "code"), (refused.Code, refused.Field));
        Assert.Equal(1, await _bed.ReadAsync(db => db.Customers.CountAsync(Ct)));
    }

    [Theory]
    [InlineData("code", "C 1", "3 to 32 letters, digits or hyphens, e.g. C00042.")]
    [InlineData("code", "AB", "3 to 32 letters, digits or hyphens, e.g. C00042.")]
    [InlineData("code", "客户一号", "3 to 32 letters, digits or hyphens, e.g. C00042.")]
    [InlineData("code", "", "Required")]
    [InlineData("name", " ", "Required")]
    [InlineData("name-zh", "", "Required")]
    [InlineData("name-zh", "long", "At most 200 characters.")]
    [InlineData("region", "CN-XX", "Choose a region.")]
    [InlineData("industry", "mining", "Choose an industry.")]
    [InlineData("account-manager", "ops-1", "Choose an account manager.")]
    public async Task Bad_input_is_refused_next_to_its_field_and_nothing_is_saved(string field, string value, string message)
    {
        var form = NewForm();
        switch (field)
        {
            case "code": form.Code = value; break;
            case "name": form.Name = value; break;
            case "name-zh": form.NameZh = value == "long" ? new string('长', 201) : value; break;
            case "region": form.RegionCode = value; break;
            case "industry": form.IndustryCode = value; break;
            default: form.AccountManagerId = value; break;
        }

        var refused = await _bed.Customers.SaveAsync(Am, form, Ct).RefusedAsync();

        Assert.Equal((message, field), (refused.Code, refused.Field));
        Assert.False(await _bed.ReadAsync(db => db.Customers.AnyAsync(Ct)));
        Assert.False(await _bed.ReadAsync(db => db.AuditEntries.AnyAsync(a => a.Action == AuditActions.CustomerCreated, Ct)));
    }

    [Fact]
    public async Task An_edit_is_audited_with_before_and_after_and_another_account_manager_may_be_chosen()
    {
        await _bed.Customers.SaveAsync(Am, NewForm(), Ct).OkAsync();
        var form = CustomerForm.From(await CustomerAsync("C-NEW-1"));
        form.NameZh = "新能源集团";
        form.AccountManagerId = "am-2";

        await _bed.Customers.SaveAsync(Am, form, Ct).OkAsync();

        var customer = await CustomerAsync("C-NEW-1");
        Assert.Equal(("新能源集团", "am-2", 1u), (customer.NameZh, customer.AccountManagerId, customer.Version));
        var audit = await _bed.ReadAsync(db => db.AuditEntries.SingleAsync(a => a.Action == AuditActions.CustomerUpdated, Ct));
        var changes = AuditLogService.Diff(audit.BeforeJson, audit.AfterJson);
        Assert.Equal(["NameZh", "AccountManagerId"], changes.Select(c => c.Field));
        Assert.Contains("新能源有限公司", changes[0].Before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_second_of_two_account_managers_editing_one_customer_is_refused_and_nothing_of_theirs_is_saved()
    {
        await _bed.Customers.SaveAsync(Am, NewForm(), Ct).OkAsync();
        var first = CustomerForm.From(await CustomerAsync("C-NEW-1"));
        var second = CustomerForm.From(await CustomerAsync("C-NEW-1"));
        first.Name = "First";
        second.Name = "Second";

        await _bed.Customers.SaveAsync(Am, first, Ct).OkAsync();
        var refused = await _bed.Customers.SaveAsync(Am2, second, Ct).RefusedAsync();

        Assert.True(refused.Conflict);
        Assert.Equal("First", (await CustomerAsync("C-NEW-1")).Name);
    }

    [Fact]
    public async Task A_customer_with_a_running_subscription_cannot_be_closed_and_one_without_can()
    {
        _bed.SeedCustomers();
        var bank = CustomerForm.From(await CustomerAsync("C-BANK"));
        bank.Status = CustomerStatus.Closed;

        var refused = await _bed.Customers.SaveAsync(Am, bank, Ct).RefusedAsync();
        Assert.Equal(("A customer with a running subscription cannot be closed: cancel its subscriptions first.", "status"), (refused.Code, refused.Field));

        var old = CustomerForm.From(await CustomerAsync("OLD-1"));
        old.Status = CustomerStatus.Active;
        await _bed.Customers.SaveAsync(Am, old, Ct).OkAsync();
        old = CustomerForm.From(await CustomerAsync("OLD-1"));
        old.Status = CustomerStatus.Closed;
        await _bed.Customers.SaveAsync(Am, old, Ct).OkAsync();
        Assert.Equal(CustomerStatus.Closed, (await CustomerAsync("OLD-1")).Status);
    }

    [Fact]
    public async Task The_code_of_an_existing_customer_cannot_be_changed()
    {
        await _bed.Customers.SaveAsync(Am, NewForm(), Ct).OkAsync();
        var form = CustomerForm.From(await CustomerAsync("C-NEW-1"));
        form.Code = "C-NEW-2";

        var refused = await _bed.Customers.SaveAsync(Am, form, Ct).RefusedAsync();

        Assert.Equal("code", refused.Field);
        Assert.True(await _bed.ReadAsync(db => db.Customers.AnyAsync(c => c.Code == "C-NEW-1", Ct)));
    }

    [Fact]
    public async Task Operations_may_not_create_customers()
    {
        var refused = await _bed.Customers.SaveAsync(Ops, NewForm(), Ct).RefusedAsync();

        Assert.Equal(Refusal.ForbiddenCode, refused.Code);
        Assert.False(await _bed.ReadAsync(db => db.Customers.AnyAsync(Ct)));
    }
}
