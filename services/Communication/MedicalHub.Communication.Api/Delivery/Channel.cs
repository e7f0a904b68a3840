namespace MedicalHub.Communication.Api.Delivery;

public enum Channel
{
    Email,
    Sms,
    Push,
}
