namespace MedicalHub.Communication.Api.Delivery;

public enum Channel
{
    Email,
    Sms,
    Push,

    /// <summary>The recipient's inbox in the app (<c>/api/inbox</c>), pushed to their open connections: for a user of the organization.</summary>
    InApp,
}
