import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { nearMiss, validAgentPayloads } from "../test/agent-payloads";
import { fuzz } from "../test/fuzz";
import * as protocol from "./agent-protocol";

/** Every schema the protocol module exports, each a decoder some side parses arriving payloads with. */
const decoders = Object.entries(protocol).flatMap(([name, value]): [string, z.ZodType][] => (value instanceof z.ZodType ? [[name, value]] : []));

const samples: Record<string, unknown> = {
  agentHandshakeSchema: validAgentPayloads.handshake,
  enrollRequestSchema: validAgentPayloads.enroll,
  agentHelloSchema: validAgentPayloads.hello,
  eventFinishedSchema: validAgentPayloads.finished,
  logAppendedSchema: validAgentPayloads.logs,
  commandAcceptedSchema: validAgentPayloads.accepted,
};

/** Any value at all, exotic ones included, or a near miss of a valid payload when one is known. */
const anyValue = fc.anything({
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withNullPrototype: true,
  withSparseArray: true,
  maxDepth: 3,
});

describe("fuzzing the agent-protocol decoders: they never throw, and what they accept they accept again", () => {
  it("covers every decoder the protocol exports", () => {
    expect(decoders.map(([name]) => name)).toEqual(expect.arrayContaining(Object.keys(samples)));
  });

  it.each(decoders)("%s", (name, schema) => {
    const input = name in samples ? fc.oneof(anyValue, nearMiss(samples[name])) : anyValue;
    fuzz(`agent protocol: ${name}`, 1500, input, (value) => {
      const result = schema.safeParse(value);
      if (result.success) expect(schema.safeParse(result.data).success).toBe(true);
      else expect(result.error.issues.length).toBeGreaterThan(0);
    });
  });
});
