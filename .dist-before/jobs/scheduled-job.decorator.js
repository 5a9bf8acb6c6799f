"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ScheduledJob = ScheduledJob;
const common_1 = require("@nestjs/common");
const jobs_constants_1 = require("./jobs.constants");
function ScheduledJob(options) {
    return (0, common_1.SetMetadata)(jobs_constants_1.SCHEDULED_JOB_METADATA, options);
}
