namespace TokenConsole.Features.Customers;

/// <summary>What an account manager (or, to suspend and resume, operations) does to a subscription from the customer page.</summary>
public enum SubscriptionAction { Subscribe, Upgrade, Downgrade, TopUp, Suspend, Resume, Cancel, UndoCancel }
