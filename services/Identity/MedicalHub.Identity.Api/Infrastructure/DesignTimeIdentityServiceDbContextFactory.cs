using MedicalHub.Data;

namespace MedicalHub.Identity.Api.Infrastructure;

internal sealed class DesignTimeIdentityServiceDbContextFactory : DesignTimeDbContextFactory<IdentityServiceDbContext>;
