/**
 * mathjs's parser alone, bundled by `npm run build:parser` into
 * mathjs-parse.cjs (git-ignored, copied into dist/ by `npm run build`).
 *
 * These are mathjs's own `parse` and node classes, wired as mathjs wires
 * them (its entry/impureFunctionsAny.generated.js) but without what only
 * evaluation, compilation or LaTeX output use: `create({ parseDependencies })`
 * would build ~90 typed functions (Unit, subset, matrix algebra…) for them,
 * and the whole library ~300 more. What parsing itself reads is real:
 * `typed` (parse is a typed function), `number` and `numeric` (number
 * literals, NaN, Infinity, hex and word sizes) and the default `config`.
 * The rest throws if anything ever reaches it.
 */
import {
  config,
  createAccessorNode,
  createArrayNode,
  createAssignmentNode,
  createBlockNode,
  createConditionalNode,
  createConstantNode,
  createFunctionAssignmentNode,
  createFunctionNode,
  createIndexNode,
  createNode,
  createNumber,
  createNumeric,
  createObjectNode,
  createOperatorNode,
  createParenthesisNode,
  createParse,
  createRangeNode,
  createRelationalNode,
  createSymbolNode,
  createTyped,
} from 'mathjs';

function absent(name) {
  return () => {
    throw new Error(`mathjs's ${name} is not part of the parse-only build`);
  };
}
/** Stands in for mathjs's namespace, which only evaluation and LaTeX output read. */
const namespace = new Proxy({}, {
  get: (_, key) => {
    throw new Error(`mathjs's ${String(key)} is not part of the parse-only build`);
  },
});

const typed = createTyped({});
const number = createNumber({ typed });
const numeric = createNumeric({ number });
const Node = createNode({ mathWithTransform: namespace });
const SymbolNode = createSymbolNode({ math: namespace, Node });

export const parse = createParse({
  typed,
  numeric,
  config,
  AccessorNode: createAccessorNode({ subset: absent('subset'), Node }),
  ArrayNode: createArrayNode({ Node }),
  AssignmentNode: createAssignmentNode({ subset: absent('subset'), Node }),
  BlockNode: createBlockNode({ ResultSet: absent('ResultSet'), Node }),
  ConditionalNode: createConditionalNode({ Node }),
  ConstantNode: createConstantNode({ Node, isBounded: absent('isBounded') }),
  FunctionAssignmentNode: createFunctionAssignmentNode({ typed, Node }),
  FunctionNode: createFunctionNode({ math: namespace, Node, SymbolNode }),
  IndexNode: createIndexNode({ Node, size: absent('size') }),
  ObjectNode: createObjectNode({ Node }),
  OperatorNode: createOperatorNode({ Node }),
  ParenthesisNode: createParenthesisNode({ Node }),
  RangeNode: createRangeNode({ Node }),
  RelationalNode: createRelationalNode({ Node }),
  SymbolNode,
});
