using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Data.Audit;

namespace MedicalHub.Content.Api.AccessAudit;

public static class AccessAuditExtensions
{
    /// <summary>
    /// <see cref="PhiAccessAudit"/> (per request) on the chain of <c>phi_access_records</c>, signed with the key of
    /// <c>MedicalHub:AuditChain</c> (the AppHost's generated <c>content-audit-key</c>): Content does not start without it.
    /// </summary>
    public static IHostApplicationBuilder AddPhiAccessAudit(this IHostApplicationBuilder builder)
    {
        builder.AddAuditChain<ContentDbContext, PhiAccessRecord>();
        builder.Services.AddScoped<PhiAccessAudit>();
        return builder;
    }
}
