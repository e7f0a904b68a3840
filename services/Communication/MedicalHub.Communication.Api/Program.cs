using MedicalHub.Data.Migrations;
using MedicalHub.Communication.Api.Extensions;
using MedicalHub.Communication.Api.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapCommunicationApis();

await app.RunWithMigrationsAsync<CommunicationDbContext>(args);
