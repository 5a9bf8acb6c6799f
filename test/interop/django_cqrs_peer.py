#!/usr/bin/env python3
"""An independent django-cqrs peer, written from the wire spec (docs/cqrs-wire-format.md), not
from this template's code and not from django-cqrs's: pika, as dj_cqrs/transport/rabbit_mq.py
uses it.

  master  --url URL --queue Q --user-ids A B --item-ids C D
      Publishes as a django-cqrs master does (spec §2, §3, §4, §5): per SAVE/DELETE a new
      connection and channel, the `cqrs` exchange declared topic + durable, `basic_publish` with
      mandatory=True, content_type text/plain, delivery_mode 2, nothing else; bodies as ujson
      writes them (compact, ASCII, `/` escaped, keys in `to_dict()` order). Prints what it sent.

  replica --url URL --queue Q --cqrs-id user --cqrs-id item --expect N [--timeout S]
      Declares its queue, dead-letter queue and the three bindings per cqrs_id as django-cqrs's
      consumer does (spec §2), prints `ready`, consumes N messages (prefetch 1001, manual ack),
      checks each one field by field against the spec and prints a JSON report.

The vhost is taken from the URL (Django would ignore it and use `/`; the test runs in a private
vhost so that no other run's `user`/`item` messages mix in).
"""
import argparse
import datetime as dt
import json
import re
import sys
import time

import pika

EXCHANGE = 'cqrs'
MESSAGE_TTL = 86400
BODY_KEYS = [
    'signal_type', 'cqrs_id', 'instance_data', 'previous_data', 'instance_pk',
    'correlation_id', 'retries', 'expires', 'meta',
]
# Python str() of an aware UTC datetime: space separator, microseconds only when non-zero.
PY_DATETIME = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?\+00:00$')
# isoformat() of an aware datetime with microseconds dropped.
EXPIRES = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$')
UNSET_PROPERTIES = [
    'content_encoding', 'priority', 'correlation_id', 'reply_to', 'expiration',
    'message_id', 'timestamp', 'type', 'user_id', 'app_id', 'cluster_id',
]


def ujson_dumps(value):
    """What ujson.dumps writes with its defaults: compact, ensure_ascii, forward slashes escaped."""
    return json.dumps(value, separators=(',', ':'), ensure_ascii=True).replace('/', '\\/')


def now():
    return dt.datetime.now(dt.timezone.utc)


def expires():
    return (now() + dt.timedelta(seconds=MESSAGE_TTL)).replace(microsecond=0).isoformat()


def payload(signal_type, cqrs_id, instance_data, instance_pk, previous_data=None):
    """TransportPayload.to_dict() of a master, keys in its order."""
    return {
        'signal_type': signal_type,
        'cqrs_id': cqrs_id,
        'instance_data': instance_data,
        'previous_data': previous_data,
        'instance_pk': instance_pk,
        'correlation_id': None,
        'retries': 0,
        'expires': expires(),
        'meta': {},
    }


def publish(url, routing_key, body):
    """RabbitMQTransport.produce: a connection per message, exchange declared, mandatory."""
    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        channel = connection.channel()
        channel.basic_qos(prefetch_count=1001)
        channel.exchange_declare(EXCHANGE, exchange_type='topic', durable=True)
        channel.basic_publish(
            exchange=EXCHANGE,
            routing_key=routing_key,
            body=ujson_dumps(body).encode('ascii'),
            mandatory=True,
            properties=pika.BasicProperties(content_type='text/plain', delivery_mode=2),
        )
    finally:
        connection.close()


def run_master(args):
    sent = []

    def send(routing_key, body):
        publish(args.url, routing_key, body)
        sent.append({'routing_key': routing_key, 'signal_type': body['signal_type'],
                     'cqrs_id': body['cqrs_id'], 'pk': body['instance_pk'],
                     'revision': body['instance_data']['cqrs_revision']})

    direct = lambda cqrs_id: 'cqrs.%s.%s' % (args.queue, cqrs_id)
    # user: a MasterMixin without serializer (sample 01): auto int pk, own fields after the mixin's.
    kept, deleted = args.user_ids
    joined = str(now())
    for pk in (kept, deleted):
        send('user', payload('SAVE', 'user', {
            'id': pk, 'cqrs_revision': 0, 'cqrs_updated': str(now()),
            'username': 'py-user-%d' % pk, 'email': 'py%d@example.com' % pk,
            'is_active': True, 'date_joined': joined,
        }, pk))
    # Tracked field is_active changed: previous_data carries its old value (spec §4.3).
    send('user', payload('SAVE', 'user', {
        'id': kept, 'cqrs_revision': 1, 'cqrs_updated': str(now()),
        'username': 'py-user-%d' % kept, 'email': 'py%d@example.com' % kept,
        'is_active': False, 'date_joined': joined,
    }, kept, previous_data={'is_active': True}))
    # SYNC of the current state to this one replica, no revision bump (cqrs_sync -q).
    send(direct('user'), payload('SYNC', 'user', {
        'id': kept, 'cqrs_revision': 1, 'cqrs_updated': str(now()),
        'username': 'py-user-%d-synced' % kept, 'email': 'py%d@example.com' % kept,
        'is_active': False, 'date_joined': joined,
    }, kept))
    # DELETE: exactly id, in-memory revision + 1, str(now()) (spec §4.2).
    send('user', payload('DELETE', 'user', {
        'id': deleted, 'cqrs_revision': 1, 'cqrs_updated': str(now()),
    }, deleted))

    # item: a MasterMixin with a DRF serializer (sample 04): serializer output, then the mixin's.
    kept, deleted = args.item_ids
    created = now().strftime('%Y-%m-%dT%H:%M:%S.%fZ')
    for pk in (kept, deleted):
        send('item', payload('SAVE', 'item', {
            'id': pk, 'name': 'Py / widget \u00e9', 'price': '19.90', 'owner': 42,
            'created_at': created, 'cqrs_revision': 0, 'cqrs_updated': str(now()),
        }, pk))
    send(direct('item'), payload('SYNC', 'item', {
        'id': kept, 'name': 'Py widget', 'price': '21.50', 'owner': 42,
        'created_at': created, 'cqrs_revision': 3, 'cqrs_updated': str(now()),
    }, kept))
    send('item', payload('DELETE', 'item', {
        'id': deleted, 'cqrs_revision': 1, 'cqrs_updated': str(now()),
    }, deleted))
    print(json.dumps({'sent': sent}))


def check_message(method, properties, body, queue):
    """Every rule of the spec a django-cqrs replica relies on; returns what is wrong."""
    errors = []
    expect = lambda ok, what: ok or errors.append(what)
    expect(method.exchange == EXCHANGE, 'exchange %r, expected cqrs' % method.exchange)
    expect(properties.content_type == 'text/plain', 'content_type %r' % properties.content_type)
    expect(properties.delivery_mode == 2, 'delivery_mode %r' % properties.delivery_mode)
    expect(not properties.headers, 'headers %r, expected none' % properties.headers)
    for name in UNSET_PROPERTIES:
        expect(getattr(properties, name) is None, '%s is set (%r)' % (name, getattr(properties, name)))
    try:
        text = body.decode('ascii')
    except UnicodeDecodeError:
        return errors + ['body is not ASCII (ujson escapes every non-ASCII character)']
    try:
        data = json.loads(text)
    except ValueError as error:
        return errors + ['body is not JSON: %s' % error]
    if not isinstance(data, dict):
        return errors + ['body is not a JSON object']
    expect(list(data.keys()) == BODY_KEYS, 'body keys %r, expected %r' % (list(data.keys()), BODY_KEYS))
    expect(text == ujson_dumps(data), 'body is not written as ujson writes it (compact, ASCII, \\/)')
    signal = data.get('signal_type')
    cqrs_id = data.get('cqrs_id')
    expect(signal in ('SAVE', 'DELETE', 'SYNC'), 'signal_type %r' % signal)
    expect(isinstance(cqrs_id, str), 'cqrs_id %r' % cqrs_id)
    allowed_keys = [cqrs_id, 'cqrs.%s.%s' % (queue, cqrs_id)] if signal == 'SYNC' else [cqrs_id]
    expect(method.routing_key in allowed_keys,
           'routing key %r for %s, expected one of %r' % (method.routing_key, signal, allowed_keys))
    pk = data.get('instance_pk')
    expect(isinstance(pk, (int, str)) and not isinstance(pk, bool), 'instance_pk %r' % pk)
    expect(data.get('retries') == 0 and type(data.get('retries')) is int, 'retries %r, expected 0' % data.get('retries'))
    expect(isinstance(data.get('meta'), dict), 'meta %r, expected an object' % data.get('meta'))
    # Spec field 6: the master's correlation_function result (a string recommended), else null.
    corr = data.get('correlation_id')
    expect(corr is None or (isinstance(corr, str) and corr != ''),
           'correlation_id %r, expected null or a non-empty string' % corr)
    exp = data.get('expires')
    if isinstance(exp, str) and EXPIRES.match(exp):
        at = dt.datetime.fromisoformat(exp)
        expect(at.tzinfo is not None, 'expires %r has no timezone' % exp)
        ahead = (at - now()).total_seconds()
        expect(MESSAGE_TTL - 120 <= ahead <= MESSAGE_TTL + 1, 'expires %r is not publish time + 86400 s' % exp)
    else:
        errors.append('expires %r, expected YYYY-MM-DDTHH:MM:SS+00:00' % exp)
    instance = data.get('instance_data')
    if not isinstance(instance, dict):
        return errors + ['instance_data %r, expected an object' % instance]
    revision = instance.get('cqrs_revision')
    expect(type(revision) is int and revision >= 0, 'cqrs_revision %r' % revision)
    updated = instance.get('cqrs_updated')
    if isinstance(updated, str) and PY_DATETIME.match(updated):
        expect(dt.datetime.fromisoformat(updated).tzinfo is not None, 'cqrs_updated %r is naive' % updated)
    else:
        errors.append('cqrs_updated %r, expected str(datetime) such as 2026-11-25 20:00:00.118377+00:00' % updated)
    expect(instance.get('id') == pk, 'instance_data.id %r differs from instance_pk %r' % (instance.get('id'), pk))
    if signal == 'DELETE':
        expect(list(instance.keys()) == ['id', 'cqrs_revision', 'cqrs_updated'],
               'DELETE instance_data keys %r, expected id, cqrs_revision, cqrs_updated' % list(instance.keys()))
        expect(data.get('previous_data') is None, 'DELETE previous_data %r, expected null' % data.get('previous_data'))
    else:
        expect(list(instance.keys())[:3] == ['id', 'cqrs_revision', 'cqrs_updated'],
               'instance_data starts with %r, expected id, cqrs_revision, cqrs_updated' % list(instance.keys())[:3])
        previous = data.get('previous_data')
        expect(previous is None or isinstance(previous, dict), 'previous_data %r' % previous)
        if signal == 'SYNC':
            expect(previous is None, 'SYNC previous_data %r, expected null' % previous)
    if cqrs_id == 'user':
        expect(not re.search(r'password|scrypt', text), 'a user body carries a password hash')
    return errors


def run_replica(args):
    connection = pika.BlockingConnection(pika.URLParameters(args.url))
    channel = connection.channel()
    dead_letter_queue = 'dead_letter_%s' % args.queue
    # As the django-cqrs consumer declares them (spec §2): durable, no arguments.
    channel.exchange_declare(EXCHANGE, exchange_type='topic', durable=True)
    channel.queue_declare(args.queue, durable=True, exclusive=False, auto_delete=False)
    channel.queue_declare(dead_letter_queue, durable=True, exclusive=False, auto_delete=False)
    for cqrs_id in args.cqrs_id:
        channel.queue_bind(args.queue, EXCHANGE, routing_key=cqrs_id)
        channel.queue_bind(args.queue, EXCHANGE, routing_key='cqrs.%s.%s' % (args.queue, cqrs_id))
        channel.queue_bind(dead_letter_queue, EXCHANGE, routing_key='cqrs.%s.%s' % (dead_letter_queue, cqrs_id))
    channel.basic_qos(prefetch_count=1001)
    print('ready', flush=True)
    received = []
    deadline = time.monotonic() + args.timeout
    for method, properties, body in channel.consume(args.queue, auto_ack=False, inactivity_timeout=0.5):
        if method is not None:
            try:
                data = json.loads(body)
            except ValueError:
                data = None
            received.append({
                'routing_key': method.routing_key,
                'body': data,
                'errors': check_message(method, properties, body, args.queue),
            })
            channel.basic_ack(method.delivery_tag)
        if len(received) >= args.expect or time.monotonic() > deadline:
            break
    channel.cancel()
    connection.close()
    print(json.dumps({'received': received}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest='command', required=True)
    master = commands.add_parser('master')
    master.add_argument('--url', required=True)
    master.add_argument('--queue', required=True, help='the replica queue direct SYNCs go to')
    master.add_argument('--user-ids', nargs=2, type=int, required=True)
    master.add_argument('--item-ids', nargs=2, required=True)
    replica = commands.add_parser('replica')
    replica.add_argument('--url', required=True)
    replica.add_argument('--queue', required=True)
    replica.add_argument('--cqrs-id', action='append', required=True)
    replica.add_argument('--expect', type=int, required=True)
    replica.add_argument('--timeout', type=float, default=30)
    args = parser.parse_args()
    (run_master if args.command == 'master' else run_replica)(args)


if __name__ == '__main__':
    sys.exit(main())
