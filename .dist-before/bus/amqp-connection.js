"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.AmqpConnection = void 0;
const common_1 = require("@nestjs/common");
const amqplib_1 = require("amqplib");
const bus_constants_1 = require("./bus.constants");
const bus_errors_1 = require("./bus.errors");
class AmqpConnection {
    url;
    name;
    session = null;
    running = null;
    isClosing = false;
    wakeUp = null;
    setupHooks = [];
    upListeners = [];
    downListeners = [];
    logger;
    constructor(url, name) {
        this.url = url;
        this.name = name;
        this.logger = new common_1.Logger(`AmqpConnection(${name})`);
    }
    get current() {
        return this.session;
    }
    get isConnected() {
        return this.session !== null;
    }
    addSetup(hook) {
        this.setupHooks.push(hook);
    }
    onUp(listener) {
        this.upListeners.push(listener);
    }
    onDown(listener) {
        this.downListeners.push(listener);
    }
    async start() {
        if (this.isClosing)
            throw new bus_errors_1.BusClosedError('connect');
        if (this.session)
            return this.session;
        this.running ??= this.reconnectLoop();
        await this.running;
        if (!this.session)
            throw new bus_errors_1.BusClosedError('connect');
        return this.session;
    }
    async close() {
        this.isClosing = true;
        this.wakeUp?.();
        const session = this.session;
        this.session = null;
        if (!session)
            return;
        await session.channel.close().catch(() => undefined);
        await session.connection.close().catch(() => undefined);
    }
    async reconnectLoop() {
        try {
            for (let attempt = 0; !this.isClosing && !this.session; attempt++) {
                try {
                    await this.connectOnce();
                    if (attempt > 0)
                        this.logger.log(`reconnected after ${attempt} failed attempts`);
                }
                catch (error) {
                    const delay = Math.min(bus_constants_1.RECONNECT_MAX_DELAY_MS, bus_constants_1.RECONNECT_MIN_DELAY_MS * 2 ** Math.min(attempt, 10));
                    this.logger.warn(`connect failed (${(0, bus_errors_1.describeError)(error)}); retrying in ${delay} ms`);
                    await this.sleep(delay * (0.8 + Math.random() * 0.4));
                }
            }
        }
        finally {
            this.running = null;
        }
    }
    async connectOnce() {
        const connection = await (0, amqplib_1.connect)(withHeartbeat(this.url), {
            clientProperties: { connection_name: this.name },
        });
        try {
            const channel = await connection.createConfirmChannel();
            const session = { connection, channel };
            connection.on('error', (error) => this.logger.warn(`connection error: ${error.message}`));
            connection.on('blocked', (reason) => this.logger.warn(`broker blocked publishing: ${reason}`));
            connection.on('close', () => this.drop(session));
            channel.on('error', (error) => this.logger.warn(`channel error: ${error.message}`));
            channel.on('close', () => this.drop(session));
            for (const hook of this.setupHooks)
                await hook(session);
            if (this.isClosing)
                throw new bus_errors_1.BusClosedError('connect');
            this.session = session;
        }
        catch (error) {
            await connection.close().catch(() => undefined);
            throw error;
        }
        for (const listener of this.upListeners)
            listener(this.session);
    }
    drop(session) {
        if (this.session !== session)
            return;
        this.session = null;
        void session.connection.close().catch(() => undefined);
        for (const listener of this.downListeners)
            listener();
        if (this.isClosing)
            return;
        this.logger.warn('lost the broker; reconnecting');
        this.running ??= this.reconnectLoop();
    }
    sleep(ms) {
        return new Promise((resolve) => {
            const timer = setTimeout(done, ms);
            function done() {
                clearTimeout(timer);
                resolve();
            }
            this.wakeUp = done;
        });
    }
}
exports.AmqpConnection = AmqpConnection;
function withHeartbeat(url) {
    if (/[?&]heartbeat=/.test(url))
        return url;
    return `${url}${url.includes('?') ? '&' : '?'}heartbeat=${bus_constants_1.DEFAULT_HEARTBEAT_SECONDS}`;
}
