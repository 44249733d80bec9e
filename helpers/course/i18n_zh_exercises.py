"""简体中文: the translations of the exercise checks' messages (helpers/exercises.py), keyed by the English template.

Each key is exactly the template that exercises.py passes to ``tr``; each translation has the same ``{fields}``,
with the same format specs. Terms follow the glossary (学习率, 损失, 优化器, 批次, 轮, 梯度, 准确率 ...).
"""

EXERCISES = {
    # --- 01_data -------------------------------------------------------------------------------------
    "{dataset_size:,} images in batches of {batch_size} make {n_batches} batches, the last holding {last}.":
        "{dataset_size:,} 张图像按每批 {batch_size} 张分成 {n_batches} 个批次，最后一个批次有 {last} 张。",
    "divide the dataset size by the batch size; the remainder, if any, makes one more, smaller batch.":
        "用数据集大小除以批量大小；如果有余数，余下的部分会再组成一个更小的批次。",
    "the mean is {want:.4f}: most of a FashionMNIST image is black background.":
        "均值为 {want:.4f}：FashionMNIST 图像的大部分是黑色背景。",
    "add up every batch's pixel sum and count, then divide once at the end: "
    "a mean of batch means is off when the last batch is smaller.":
        "把每个批次的像素总和与像素个数分别累加，最后只做一次除法：最后一个批次较小时，各批次均值的平均值会有偏差。",
    # --- 02_model ------------------------------------------------------------------------------------
    "calling the model on a batch of images failed with {failed}. It gets images of shape [1, 28, 28]: "
    "does it start with nn.Flatten()?":
        "用一批图像调用模型时出错：{failed}。模型收到的图像形状是 [1, 28, 28]：它是否以 nn.Flatten() 开头？",
    "the model should output 10 scores per image, it gives shape {shape}.":
        "模型应为每张图像输出 10 个得分，但它输出的形状是 {shape}。",
    "{real:,} parameters.": "共 {real:,} 个参数。",
    "the model has {real:,}, you guessed {guess:,}. A Linear(a, b) layer holds a*b weights and b biases.":
        "模型有 {real:,} 个参数，你猜的是 {guess:,}。一个 Linear(a, b) 层有 a*b 个权重和 b 个偏置。",
    "calling predict(model, X) failed with {failed}.": "调用 predict(model, X) 时出错：{failed}。",
    "return one class index per image: a tensor of shape {shape}.":
        "每张图像返回一个类别索引：也就是形状为 {shape} 的张量。",
    "the class with the largest logit is the prediction.": "logit 最大的类别就是预测结果。",
    "the prediction is the index of the largest logit along dimension 1.": "预测结果是沿第 1 维最大 logit 的索引。",
    # --- 03_loss -------------------------------------------------------------------------------------
    "ordinary logits": "普通的 logits（未归一化的得分）",
    "logits around 1000": "数值在 1000 左右的 logits",
    "with {note} your function failed with {failed}.": "对于{note}，你的函数出错：{failed}。",
    "your function returns nothing: end it with return ...": "你的函数没有返回任何值：在末尾加上 return ...",
    "with {note} you get {got}: exp() overflows. Subtract each row's maximum before exponentiating, "
    "or use torch.logsumexp.":
        "对于{note}，你得到 {got}：exp() 溢出了。先减去每一行的最大值再取指数，或者使用 torch.logsumexp。",
    "with {note} you get {got:.4f}, PyTorch {want:.4f}. Take -log of the softmax probability of the right class, "
    "averaged over the batch.":
        "对于{note}，你得到 {got:.4f}，PyTorch 得到 {want:.4f}。对正确类别的 softmax 概率取 -log，再在整个批次上求平均。",
    "it matches nn.CrossEntropyLoss, even for huge logits.": "与 nn.CrossEntropyLoss 一致，即使 logits 非常大也是如此。",
    "class indices": "类别索引",
    "one-hot rows": "独热（one-hot）行",
    "with {kind} your function failed with {failed}.": "目标为{kind}时，你的函数出错：{failed}。",
    "with {kind} you get {got:.2f}, above 1 (100%): compare one class per image, so turn one-hot rows into "
    "indices with argmax(dim=1) first.":
        "目标为{kind}时，你得到 {got:.2f}，超过了 1（100%）：每张图像只应比较一个类别，所以先用 argmax(dim=1) "
        "把独热向量变成索引。",
    "with {kind} you get {got:.4f}, expected {want:.4f} (a fraction of images).":
        "目标为{kind}时，你得到 {got:.4f}，应为 {want:.4f}（即图像所占的比例）。",
    "the same answer for both kinds of target, and never above 100%.":
        "两种目标给出相同的答案，而且从不超过 100%。",
    # --- 04_optimizer --------------------------------------------------------------------------------
    "sgd_step(params, lr) failed with {failed}. Update inside torch.no_grad().":
        "sgd_step(params, lr) 出错：{failed}。请在 torch.no_grad() 中更新参数。",
    "your step moves every parameter exactly as SGD does.": "你的这一步对每个参数的更新都与 SGD 完全相同。",
    "each parameter moves by -lr * its gradient: p -= lr * p.grad, in place.":
        "每个参数移动 -lr 乘以它的梯度：原地执行 p -= lr * p.grad。",
    "momentum_step failed with {failed}.": "momentum_step 出错：{failed}。",
    "three steps agree with torch.optim.SGD(momentum=0.9).": "连续三步都与 torch.optim.SGD(momentum=0.9) 一致。",
    "PyTorch's rule: v = beta * v + grad (v starts at zero), then p -= lr * v; update v in place "
    "(v.mul_(beta).add_(p.grad)) so the list keeps the new values.":
        "PyTorch 的规则：v = beta * v + grad（v 从零开始），然后 p -= lr * v；要原地更新 v"
        "（v.mul_(beta).add_(p.grad)），这样列表里保存的才是新值。",
    # --- 05_full_loop --------------------------------------------------------------------------------
    "train_step(model, X, y, loss_fn, optimizer) failed with {failed}.":
        "train_step(model, X, y, loss_fn, optimizer) 出错：{failed}。",
    "three steps in a row match the reference loop.": "连续三步都与参考循环一致。",
    "after three calls your parameters differ from the reference: are the gradients cleared "
    "(optimizer.zero_grad()) before each backward()?":
        "调用三次之后，你的参数与参考结果不同：每次 backward() 之前有没有清零梯度（optimizer.zero_grad()）？",
    "evaluate(model, loader, loss_fn) failed with {failed}.": "evaluate(model, loader, loss_fn) 出错：{failed}。",
    "averaged over every sample, in eval mode.": "在 eval 模式下，对每个样本求了平均。",
    "weight each batch's mean loss by its size and divide by the number of samples, and call model.eval() first "
    "(this model has dropout, which eval mode turns off).":
        "用每个批次的大小给该批次的平均损失加权，再除以样本总数；并且先调用 model.eval()"
        "（这个模型含有 dropout（随机丢弃），eval 模式会把它关闭）。",
    # --- 06_plotting ---------------------------------------------------------------------------------
    "best_epoch(history) failed with {failed}.": "best_epoch(history) 出错：{failed}。",
    "epoch {epoch} has the lowest validation loss.": "第 {epoch} 轮的验证损失最低。",
    "find the index of the smallest value in history.val_loss and return history.epoch at that index "
    "(epochs count from 1, list indices from 0).":
        "找出 history.val_loss 中最小值的索引，然后返回 history.epoch 在该索引处的值（轮数从 1 开始计，列表索引从 0 开始）。",
    "every run is read right: {runs}.": "每次训练都判断对了：{runs}。",
    "{run} used lr {lr:g}": "{run} 使用的 lr 是 {lr:g}",
    "look again at run(s) {runs}: a rate too low gives a slow, steady fall; too high gives a bumpy curve, "
    "or one that starts late or never settles.":
        "再看看训练 {runs}：学习率太低时，损失缓慢而平稳地下降；太高时，曲线起伏不定，或者很晚才开始下降，或者始终稳定不下来。",
    # --- 07_playground -------------------------------------------------------------------------------
    "train a run in the panel above": "在上面的训练面板中完成一次训练",
    "run {number} ({label}) got there.": "第 {number} 次训练（{label}）达到了目标。",
    "no run has finished an epoch yet.": "还没有哪次训练完成过一轮。",
    "your best within {max_epochs} epochs is {best:.1f}%. Plain SGD needs a larger learning rate than the "
    "lesson's; momentum or Adam get there sooner.":
        "你在 {max_epochs} 轮内的最好成绩是 {best:.1f}%。普通 SGD 需要比本课更大的学习率；用动量或 Adam 会更快达到。",
    "train plain SGD in the panel above until it fails": "在上面的训练面板中用普通 SGD 训练，直到它失败",
    "lr {failed:.2g} fails and lr {learned:.2g} learns.": "lr {failed:.2g} 训练失败，而 lr {learned:.2g} 能学会。",
    "no plain-SGD run has failed yet: push the learning rate towards 1.":
        "还没有哪次普通 SGD 训练失败：把学习率往 1 调高。",
    "lr {lr:.2g} failed; now run plain SGD at a tenth of it or less and let it learn ({learns:.0f}% or more).":
        "lr {lr:.2g} 失败了；现在用它的十分之一或更小的学习率运行普通 SGD，让它学起来（达到 {learns:.0f}% 或更高）。",
    # --- 08_craft ------------------------------------------------------------------------------------
    "{call} failed with {failed}.": "{call} 出错：{failed}。",
    "{call} returns {got}, expected {want}. Count epochs from 1. An epoch improves only if its loss is below the "
    "best so far by more than min_delta (and only then does the best change); stop once `patience` epochs in a "
    "row have not improved; with no such run, train to the end.":
        "{call} 返回 {got}，应为 {want}。轮数从 1 开始计。只有当某一轮的损失比目前的最佳值低出 min_delta 以上时，"
        "这一轮才算有改进（也只有这时最佳值才会更新）；一旦连续 `patience` 轮没有改进就停止；如果从未出现这种情况，"
        "就一直训练到最后。",
    "your rule stops exactly when it should.": "你的规则恰好在该停的时候停下。",
    "snapshot(model) failed with {failed}.": "snapshot(model) 出错：{failed}。",
    "return a dict with the same keys as model.state_dict() ({keys}), got {got_type}.":
        "应返回一个键与 model.state_dict() 相同（{keys}）的 dict，但收到的是 {got_type}。",
    "one training step later, your snapshot's '{name}' has changed with the model: state_dict() hands out the "
    "model's own tensors, not copies. Copy each one (tensor.clone()), or copy the whole dict with copy.deepcopy.":
        "训练一步之后，你的快照中的 '{name}' 随模型一起变了：state_dict() 给出的是模型自己的张量，而不是副本。"
        "把每个张量都复制一份（tensor.clone()），或者用 copy.deepcopy 复制整个 dict。",
    "load_state_dict(your snapshot) failed with {failed}.": "用 load_state_dict 加载你的快照时出错：{failed}。",
    "your snapshot stays put while training goes on, and loads back with load_state_dict.":
        "训练继续进行时你的快照保持不变，并且能用 load_state_dict 加载回去。",
    "a model loaded from your snapshot does not reproduce the model at the time of the snapshot.":
        "从你的快照加载的模型与拍快照时的模型不一致。",
    # --- 09_capstone ---------------------------------------------------------------------------------
    "{call} failed with {error_type}: {error}": "{call} 出错：{error_type}: {error}",
    "return a dict with the lists {keys}: one number per epoch each.":
        "返回一个包含列表 {keys} 的 dict：每个列表每轮一个数。",
    "helpers.fit ran {n} epochs here": "helpers.fit 在这里运行了 {n} 轮",
    " (best at epoch {best}, then {patience} without improving)": "（最佳在第 {best} 轮，之后连续 {patience} 轮没有改进）",
    ", but your lists hold {lengths}. ": "，但你的列表长度分别是 {lengths}。",
    "Append one value per epoch, and stop once `patience` epochs in a row have not improved on the best "
    "validation loss.":
        "每轮追加一个值，并在连续 `patience` 轮都没有低于最佳验证损失时停止。",
    "Append one value per epoch.": "每轮追加一个值。",
    "move every batch, images and labels, to the device: X, y = X.to(device), y.to(device), in both loops. "
    "On a GPU the model's weights are there and the batches must be too.":
        "把每个批次的图像和标签都移到设备上：在两个循环中都写 X, y = X.to(device), y.to(device)。"
        "在 GPU 上，模型的权重就在那里，批次也必须在那里。",
    "during training the model was in eval mode: call model.train() at the start of each training pass, "
    "every epoch.":
        "训练时模型处于 eval 模式：每一轮都要在训练遍历开始时调用 model.train()。",
    "during validation the model was in train mode: call model.eval() at the start of each validation pass, "
    "every epoch.":
        "验证时模型处于 train 模式：每一轮都要在验证遍历开始时调用 model.eval()。",
    "validation should not track gradients: run it inside torch.no_grad() or torch.set_grad_enabled(False).":
        "验证时不应跟踪梯度：在 torch.no_grad() 或 torch.set_grad_enabled(False) 中运行它。",
    "training needs gradients: run it with torch.set_grad_enabled(True) (or outside no_grad).":
        "训练需要梯度：在 torch.set_grad_enabled(True) 下运行它（或者放在 no_grad 之外）。",
    "{key} in epoch {epoch} is {got:.6f}, helpers.fit measured {want:.6f}. ":
        "第 {epoch} 轮的 {key} 是 {got:.6f}，而 helpers.fit 测得的是 {want:.6f}。",
    "Average per sample: add each batch's mean loss times its size, then divide by the number of samples "
    "(the last batch is smaller).":
        "按样本求平均：把每个批次的平均损失乘以该批次的大小后累加，再除以样本总数（最后一个批次较小）。",
    "Accuracy is the fraction (0 to 1) of samples whose largest logit is the right class, over all samples seen "
    "in the pass.":
        "准确率是这一遍看到的所有样本中，最大 logit 对应正确类别的样本所占的比例（0 到 1）。",
    " For the training figures, use each batch's loss and predictions as it trains (before its step), as fit does.":
        "对于训练指标，要像 fit 那样，使用每个批次训练时（在它的 step 之前）得到的损失和预测。",
    "nothing was saved at best_path: torch.save(model.state_dict(), best_path) whenever the validation loss beats "
    "every earlier epoch's.":
        "best_path 处没有保存任何东西：每当验证损失低于之前所有轮时，就执行 torch.save(model.state_dict(), best_path)。",
    "the file at best_path does not hold epoch {best}'s weights, the epoch with the lowest validation loss. "
    "Save whenever the loss is lower than every earlier epoch's (strictly lower), right after that epoch's "
    "validation pass.":
        "best_path 处的文件保存的不是第 {best} 轮（验证损失最低的一轮）的权重。每当损失低于之前所有轮（严格低于）时，"
        "就在该轮验证结束后立即保存。",
    "after the run the model should hold the best epoch's weights (epoch {best} of {n}): load them back with "
    "model.load_state_dict(torch.load(best_path, weights_only=True)) before returning.":
        "运行结束后，模型应持有最佳一轮的权重（共 {n} 轮中的第 {best} 轮）：在返回之前用 "
        "model.load_state_dict(torch.load(best_path, weights_only=True)) 把它们加载回来。",
    "your loop matches helpers.fit epoch for epoch ({n} epochs": "你的循环每一轮都与 helpers.fit 一致（共 {n} 轮",
    ", stopped {patience} after the best": "，在最佳一轮之后 {patience} 轮停止",
    ") and kept epoch {best}'s weights.": "），并保留了第 {best} 轮的权重。",
    # --- 10_optimizers -------------------------------------------------------------------------------
    "adam_step(params, state, lr=0.01, betas=(0.9, 0.999), eps=0.001) failed with {failed}.":
        "adam_step(params, state, lr=0.01, betas=(0.9, 0.999), eps=0.001) 出错：{failed}。",
    "the same parameters as torch.optim.Adam after 10 steps (largest difference {worst:.1e}).":
        "10 步之后参数与 torch.optim.Adam 的相同（最大差值 {worst:.1e}）。",
    "your parameters part from torch.optim.Adam's at step {step} (difference {worst:.1e}). ":
        "你的参数从第 {step} 步开始与 torch.optim.Adam 的不同（差值 {worst:.1e}）。",
    "At step 1, m and v hold only the first gradient: check that they start at zero, that m = b1 m + (1 - b1) g "
    "and v = b2 v + (1 - b2) g^2, and the bias correction: divide m by 1 - b1 ** t and v by 1 - b2 ** t, "
    "with t = 1 at the first step. Then where eps goes: torch.optim.Adam adds it to the square root of the "
    "corrected v, p -= lr * m_hat / (sqrt(v_hat) + eps); the paper's faster form, which corrects the rate instead "
    "and adds eps to sqrt(v), is a slightly different update.":
        "第 1 步时，m 和 v 只包含第一个梯度：检查它们是否从零开始，是否满足 m = b1 m + (1 - b1) g 和 "
        "v = b2 v + (1 - b2) g^2，以及偏差修正：m 除以 1 - b1 ** t，v 除以 1 - b2 ** t，第一步时 t = 1。"
        "再检查 eps 放在哪里：torch.optim.Adam 把它加在修正后的 v 的平方根上，p -= lr * m_hat / (sqrt(v_hat) + eps)；"
        "论文中更快的写法改为修正学习率，并把 eps 加在 sqrt(v) 上，那是一个略有不同的更新。",
    "Step 1 agrees, so the update is right once: keep m, v and the step count t in `state` between calls "
    "(one set per parameter), and count t up by one every call.":
        "第 1 步一致，说明单次更新是对的：在两次调用之间把 m、v 和步数 t 保存在 `state` 中（每个参数一组），"
        "并且每次调用都让 t 加一。",
    "adamw_step(params, state, lr=0.01, weight_decay=0.1) failed with {failed}.":
        "adamw_step(params, state, lr=0.01, weight_decay=0.1) 出错：{failed}。",
    "the same parameters as torch.optim.AdamW after 10 steps (largest difference {worst:.1e}).":
        "10 步之后参数与 torch.optim.AdamW 的相同（最大差值 {worst:.1e}）。",
    "your parameters part from torch.optim.AdamW's at step {step} (difference {worst:.1e}). AdamW multiplies "
    "every parameter by 1 - lr * weight_decay, then takes Adam's step from the gradient alone; adding "
    "weight_decay * p to the gradient is Adam's L2, not AdamW.":
        "你的参数从第 {step} 步开始与 torch.optim.AdamW 的不同（差值 {worst:.1e}）。AdamW 先把每个参数乘以 "
        "1 - lr * weight_decay，再只根据梯度走一步 Adam；把 weight_decay * p 加到梯度上是 Adam 的 L2，不是 AdamW。",
    # --- 11_lr_finder --------------------------------------------------------------------------------
    "rates({start}, {end}, {steps}) failed with {failed}.": "rates({start}, {end}, {steps}) 出错：{failed}。",
    "return a list of {steps} rates, got {got_type}.": "应返回一个包含 {steps} 个学习率的列表，但收到的是 {got_type}。",
    "rates({start}, {end}, {steps}) should give {steps} rates from {start:g} to {end:g}, each {factor:.4g} "
    "times the one before; yours give {count}, starting {first}. The factor is (end / start) ** (1 / (steps - 1)).":
        "rates({start}, {end}, {steps}) 应给出从 {start:g} 到 {end:g} 的 {steps} 个学习率，每个是前一个的 "
        "{factor:.4g} 倍；你的给出 {count} 个，开头是 {first}。倍数是 (end / start) ** (1 / (steps - 1))。",
    "your rates climb by one factor from the first to the last.": "你的学习率从第一个到最后一个都按同一个倍数递增。",
    "smooth(values, {beta}) failed with {failed}.": "smooth(values, {beta}) 出错：{failed}。",
    "return a list with one smoothed value per value, got {got_type}.":
        "应返回一个列表，每个值对应一个平滑后的值，但收到的是 {got_type}。",
    "for {values} and beta {beta} the smoothed values start {want0:.4g}, {want1:.4g}; yours start {first}. ":
        "对于 {values} 和 beta {beta}，平滑后的值应以 {want0:.4g}、{want1:.4g} 开头；你的以 {first} 开头。",
    "Without the correction the first value is (1 - beta) times too small: divide by 1 - beta ** t, "
    "with t = 1 for the first value.":
        "没有修正时，第一个值只有应有值的 (1 - beta) 倍，偏小了：要除以 1 - beta ** t，第一个值对应 t = 1。",
    "avg starts at 0; each value updates it, then the entry is avg / (1 - beta ** t).":
        "avg 从 0 开始；每个值都更新一次 avg，然后该项为 avg / (1 - beta ** t)。",
    "your running mean starts right and follows the losses.": "你的滑动平均开头正确，并且紧跟损失的变化。",
    # --- 12_schedules --------------------------------------------------------------------------------
    "lr_at_epoch({epoch}) failed with {failed}.": "lr_at_epoch({epoch}) 出错：{failed}。",
    "in epoch {epoch} StepLR uses {want:g}, you give {got}. Epochs 1-3 use 0.1, epochs 4-6 use 0.05, and so on: "
    "0.1 * 0.5 ** ((epoch - 1) // 3).":
        "第 {epoch} 轮 StepLR 使用 {want:g}，你给出的是 {got}。第 1-3 轮用 0.1，第 4-6 轮用 0.05，依此类推："
        "0.1 * 0.5 ** ((epoch - 1) // 3)。",
    "your schedule matches StepLR for ten epochs.": "你的学习率调度在十轮中都与 StepLR 一致。",
    "cosine_lr({step}, {total}, {base_lr}) failed with {failed}.": "cosine_lr({step}, {total}, {base_lr}) 出错：{failed}。",
    "cosine_lr({step}, {total}, {base_lr}) gives {got}, CosineAnnealingLR uses {want:.6g}. The rate is "
    "base_lr * (1 + cos(pi * step / total)) / 2: base_lr at step 0, half of it halfway, 0 at the end.":
        "cosine_lr({step}, {total}, {base_lr}) 给出 {got}，CosineAnnealingLR 使用的是 {want:.6g}。学习率为 "
        "base_lr * (1 + cos(pi * step / total)) / 2：第 0 步为 base_lr，中途为它的一半，结束时为 0。",
    "your cosine schedule matches CosineAnnealingLR step for step.": "你的余弦学习率调度每一步都与 CosineAnnealingLR 一致。",
    # --- 13_mistakes ---------------------------------------------------------------------------------
    "with a batch of {batch}, count_correct failed with {failed}.": "批量大小为 {batch} 时，count_correct 出错：{failed}。",
    " (a batch of 10 hides the broadcasting mistake: 100 comparisons)": "（批量大小为 10 时会掩盖广播错误：会做 100 次比较）",
    "with a batch of {batch} you count {got}, the right count is {want}{extra}. Turn both into class numbers of "
    "shape [batch] before comparing: pred.argmax(1) and y.argmax(1).":
        "批量大小为 {batch} 时你数出 {got} 个，正确的数目是 {want}{extra}。比较之前先把两者都变成形状为 [batch] "
        "的类别编号：pred.argmax(1) 和 y.argmax(1)。",
    "right for batches of 10, 64 and 3: class numbers compared with class numbers.":
        "批量大小为 10、64 和 3 时都正确：类别编号与类别编号相比较。",
    "epoch_mean(batch_means, batch_sizes) failed with {failed}.": "epoch_mean(batch_means, batch_sizes) 出错：{failed}。",
    "the mean over all {n} images, with the short last batch weighed by its size.":
        "这是全部 {n} 张图像的平均值，较小的最后一个批次按其大小加权。",
    "that is the mean of the batch means: the last batch of 7 counts as much as a batch of 32. Multiply each mean "
    "by its batch's size, add them up, divide by the images.":
        "这是各批次均值的平均值：只有 7 张图像的最后一个批次与 32 张的批次算得一样重。把每个均值乘以其批次的大小，"
        "加起来，再除以图像总数。",
    "you give {got}, the mean over the images is {want:.6f}: add up mean x size for every batch and divide by the "
    "total number of images.":
        "你给出的是 {got}，所有图像的平均值是 {want:.6f}：把每个批次的均值乘以大小后累加，再除以图像总数。",
    # --- 14_cifar10 ----------------------------------------------------------------------------------
    "flat_features({side}, {channels}, {blocks}) failed with {failed}.":
        "flat_features({side}, {channels}, {blocks}) 出错：{failed}。",
    "flat_features({side}, {channels}, {blocks}) gives {got}; a real stack hands on {want}. Padding 1 keeps the "
    "side, each pool halves it: channels * (side // 2**blocks)**2.":
        "flat_features({side}, {channels}, {blocks}) 给出 {got}；真实的层堆叠传出的是 {want}。padding 为 1 时边长不变，"
        "每次池化把边长减半：channels * (side // 2**blocks)**2。",
    "it matches what a real stack of layers hands to the linear layer, for four shapes.":
        "四种形状下都与真实的层堆叠传给线性层的数量一致。",
    "conv_params({cin}, {cout}, {k}) failed with {failed}.": "conv_params({cin}, {cout}, {k}) 出错：{failed}。",
    "nn.Conv2d({cin}, {cout}, {k}) has {want:,} parameters, you give {got}. Each output channel has one k x k "
    "filter per input channel, plus one bias.":
        "nn.Conv2d({cin}, {cout}, {k}) 有 {want:,} 个参数，你给出的是 {got}。每个输出通道对每个输入通道都有一个 "
        "k x k 的卷积核，外加一个偏置。",
    "each output channel: in_channels x k x k weights and one bias.":
        "每个输出通道：in_channels x k x k 个权重和一个偏置。",
    # --- 15_distributed -------------------------------------------------------------------------------
    "shard({n}, {rank}, {world}) failed with {failed}.": "shard({n}, {rank}, {world}) 出错：{failed}。",
    "shard({n}, {rank}, {world}) gives {got}, DistributedSampler gives {want}; ":
        "shard({n}, {rank}, {world}) 给出 {got}，DistributedSampler 给出 {want}；",
    "a process takes every world_size-th index, starting from its rank.":
        "每个进程从与自己 rank 相同的索引开始，每隔 world_size 个取一个索引。",
    "{n} images do not split evenly over {world} processes: the sampler first repeats indices from the start "
    "of the list until every process gets the same number.":
        "{n} 张图像不能平均分给 {world} 个进程：采样器会先从列表开头重复取一些索引补齐，让每个进程分到的数量相同。",
    "your shares match DistributedSampler's, padding included: every process gets the same number of images, "
    "and together they cover the dataset.":
        "你的划分与 DistributedSampler 的一致，连补齐的部分也一样：每个进程分到同样多的图像，合起来覆盖整个数据集。",
    "scaled_lr({step}, {base_lr}, {k}, {warm}) failed with {failed}.":
        "scaled_lr({step}, {base_lr}, {k}, {warm}) 出错：{failed}。",
    "scaled_lr({step}, {base_lr}, {k}, {warm}) gives {got}, the warm-up uses {want:.6g}. The rate starts at "
    "base_lr, climbs in equal steps to k * base_lr at step warmup_steps, then stays there.":
        "scaled_lr({step}, {base_lr}, {k}, {warm}) 给出 {got}，预热实际使用 {want:.6g}。学习率从 base_lr 开始，"
        "每步增加相同的量，在第 warmup_steps 步达到 k * base_lr，之后保持不变。",
    "your rate climbs from base_lr to k * base_lr as LinearLR's warm-up does, then holds.":
        "你的学习率像 LinearLR 的预热一样从 base_lr 升到 k * base_lr，然后保持不变。",
    # --- 16_sweeps -----------------------------------------------------------------------------------
    "log_uniform({low}, {high}, {u}) failed with {failed}.": "log_uniform({low}, {high}, {u}) 出错：{failed}。",
    "log_uniform({low}, {high}, {u}) gives {got}, a log-uniform draw gives {want:.6g}. Draw the exponent evenly: "
    "u = 0 gives low, u = 1 gives high, and u = 0.5 their geometric mean, sqrt(low * high).":
        "log_uniform({low}, {high}, {u}) 给出 {got}，对数均匀抽样应得到 {want:.6g}。要均匀抽取的是指数："
        "u = 0 得到 low，u = 1 得到 high，u = 0.5 得到两者的几何平均数 sqrt(low * high)。",
    "equal steps of u multiply the value by equal factors: each decade of learning rates gets the same share "
    "of the trials.":
        "u 每前进相同的一步，取值就乘以相同的倍数：学习率的每个数量级分到同样多的试验。",
    "rungs({grace}, {factor}, {max_t}) failed with {failed}.": "rungs({grace}, {factor}, {max_t}) 出错：{failed}。",
    "rungs({grace}, {factor}, {max_t}) gives {got}, ASHA compares trials after epochs {want}: grace_period, "
    "then each rung reduction_factor times the last, up to max_t.":
        "rungs({grace}, {factor}, {max_t}) 给出 {got}，ASHA 在第 {want} 轮之后比较试验：先是 grace_period，"
        "之后每一级是上一级的 reduction_factor 倍，直到 max_t。",
    "after each rung only about the best 1/reduction_factor of the trials go on, so most of the epochs go to "
    "the promising ones.":
        "每一级之后只有大约最好的 1/reduction_factor 的试验继续训练，所以大部分轮次都花在有希望的试验上。",
}
