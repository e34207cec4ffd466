using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using TokenConsole.Data;

namespace TokenConsole.Features.Pricing;

public partial class PriceChangeWizardPage
{
    private static readonly string[] Steps = ["Scope and effect", "When and for whom", "Validation and impact", "Submit"];

    [Inject] private PricingService Pricing { get; set; } = default!;
    [Inject] private PriceChangeService Changes { get; set; } = default!;
    [Inject] private ImpactSimulator Simulator { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private PricingLookups? _names;
    private int _step;
    private readonly RuleFormModel _rule = new();
    private string _title = "", _description = "", _effective = "";
    private PriceChangeAudience _audience = PriceChangeAudience.AllSubscriptions;
    private string? _expressionError, _titleError, _effectiveError, _error;
    private int _days = 30;
    private ValidationReport? _report;
    private SimulationResult? _simulation;
    private double _progress;
    private bool _running;
    private int? _submittedId;

    protected override async Task OnInitializedAsync()
    {
        _names = await Pricing.LookupsAsync();
        _effective = (Clock.GetUtcNow().UtcDateTime + BusinessCalendar.Offset).AddMinutes(5).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
    }

    private PriceChangeContent Content() => new() { Add = [_rule.ToRule()] };

    private void Back()
    {
        _error = null;
        _step = Math.Max(0, _step - 1);
    }

    private async Task NextAsync()
    {
        _error = null;
        if (_step == 0)
        {
            _expressionError = null;
            if (string.IsNullOrWhiteSpace(_rule.Name)) { _error = L["A rule needs a name of 1 to 80 characters."]; return; }
            var check = RuleExpressionValidator.Compile(_rule.ToRule().Expression);
            if (!check.IsValid)
            {
                _expressionError = check.Position is { } p ? $"{check.Error} ({L["at position {0}", p + 1]})" : check.Error;
                _error = _rule.Advanced ? null : _expressionError;
                return;
            }
        }
        if (_step == 1)
        {
            _titleError = string.IsNullOrWhiteSpace(_title) ? L["A title of 1 to 120 characters is required."].Value : null;
            _effectiveError = EffectiveAt() is null ? L["Enter a date and time."].Value : null;
            if (_titleError is not null || _effectiveError is not null)
            {
                return;
            }
        }
        _step++;
        if (_step == 2)
        {
            await SimulateAsync();
        }
    }

    private DateTimeOffset? EffectiveAt() =>
        DateTime.TryParse(_effective, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local) ? new DateTimeOffset(BusinessCalendar.ToUtc(local)) : null;

    private async Task SimulateAsync()
    {
        _running = true;
        _progress = 0;
        StateHasChanged();
        try
        {
            _report = await Changes.ValidateAsync(Content());
            var progress = new Progress<double>(p => { _progress = p; _ = InvokeAsync(StateHasChanged); });
            _simulation = await Simulator.SimulateAsync(Content(), _days, progress);
        }
        finally
        {
            _running = false;
        }
    }

    private async Task SubmitAsync()
    {
        _error = null;
        _running = true;
        try
        {
            var user = (await AuthenticationState).User;
            var summary = _simulation is null ? null : System.Text.Json.JsonSerializer.Serialize(new
            {
                _simulation.Days, _simulation.RevenueBefore, _simulation.RevenueAfter, _simulation.CustomersAffected, _simulation.CustomersTotal,
            });
            var draft = await Changes.SaveDraftAsync(user, null, 0, _title, _description, _audience, EffectiveAt()!.Value, Content(), summary);
            var submitted = draft.Value is { } saved ? await Changes.SubmitAsync(user, saved.Id, saved.Version) : draft;
            _submittedId = submitted.Value?.Id;
            _error = submitted.Refusal is { } refusal ? L[refusal.Code, refusal.Args].Value : null;
        }
        finally
        {
            _running = false;
        }
    }
}
